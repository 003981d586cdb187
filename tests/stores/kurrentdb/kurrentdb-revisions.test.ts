import { ANY, NO_STREAM, STREAM_EXISTS } from '@kurrent/kurrentdb-client';
import {
  revisionToNumber,
  toClientRevision,
  toStreamState,
} from '../../../src/stores/kurrentdb/kurrentdb-revisions.js';

describe('KurrentDB revisions', () => {
  it('maps every expected revision to the client stream state', () => {
    expect(toStreamState('any')).toBe(ANY);
    expect(toStreamState('no_stream')).toBe(NO_STREAM);
    expect(toStreamState('exists')).toBe(STREAM_EXISTS);
    expect(toStreamState(0)).toBe(0n);
    expect(toStreamState(41)).toBe(41n);
  });

  it('refuses revisions that are not non-negative integers', () => {
    expect(() => toClientRevision(-1)).toThrow(RangeError);
    expect(() => toClientRevision(1.5)).toThrow(RangeError);
    expect(() => toStreamState(Number.NaN)).toThrow(RangeError);
  });

  it('turns client revisions into numbers while they are exact', () => {
    expect(revisionToNumber(0n)).toBe(0);
    expect(revisionToNumber(BigInt(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => revisionToNumber(BigInt(Number.MAX_SAFE_INTEGER) + 1n)).toThrow(RangeError);
    expect(() => revisionToNumber(-1n)).toThrow(RangeError);
  });
});
