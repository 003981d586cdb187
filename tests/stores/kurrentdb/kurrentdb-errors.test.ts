import {
  AccessDeniedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { WrongExpectedRevisionError } from '../../../src/stores/event-store.js';
import { InvalidPositionError } from '../../../src/stores/position.js';
import {
  isStreamNotFound,
  isTransientError,
  mapAppendError,
  toActualRevision,
} from '../../../src/stores/kurrentdb/kurrentdb-errors.js';

const wrongVersion = (current: bigint | 'no_stream') =>
  new WrongExpectedVersionError(undefined, {
    streamName: 'order-1',
    expected: 'no_stream',
    current,
  });

describe('KurrentDB error mapping', () => {
  it('maps a wrong expected version to the port error with the actual revision', () => {
    const mapped = mapAppendError(wrongVersion(4n), 'order-1', 'no_stream');
    expect(mapped).toBeInstanceOf(WrongExpectedRevisionError);
    expect(mapped).toMatchObject({ streamId: 'order-1', expected: 'no_stream', actual: 4 });
  });

  it("reports a missing stream as 'no_stream'", () => {
    const mapped = mapAppendError(wrongVersion('no_stream'), 'order-1', 'exists');
    expect(mapped).toMatchObject({ expected: 'exists', actual: 'no_stream' });
  });

  it('keeps the expected revision the caller sent', () => {
    expect(mapAppendError(wrongVersion(2n), 'order-1', 1)).toMatchObject({
      expected: 1,
      actual: 2,
    });
  });

  it('passes other errors through untouched', () => {
    const unavailable = new UnavailableError();
    expect(mapAppendError(unavailable, 'order-1', 'any')).toBe(unavailable);
    const plain = new Error('boom');
    expect(mapAppendError(plain, 'order-1', 'any')).toBe(plain);
  });

  it('reads actual revisions: numbers, or no_stream for -1 and absent values', () => {
    expect(toActualRevision(0n)).toBe(0);
    expect(toActualRevision(-1n)).toBe('no_stream');
    expect(toActualRevision('no_stream')).toBe('no_stream');
    expect(toActualRevision(undefined)).toBe('no_stream');
  });

  it('recognises a missing stream', () => {
    expect(isStreamNotFound(new StreamNotFoundError(undefined, 'order-1'))).toBe(true);
    expect(isStreamNotFound(new UnavailableError())).toBe(false);
    expect(isStreamNotFound('nope')).toBe(false);
  });

  it('retries connection trouble and unknown failures, not bad requests or local bugs', () => {
    expect(isTransientError(new UnavailableError())).toBe(true);
    expect(isTransientError(Object.assign(new Error('UNAVAILABLE'), { code: 14 }))).toBe(true);
    expect(isTransientError(new Error('socket hang up'))).toBe(true);
    expect(isTransientError(new AccessDeniedError())).toBe(false);
    expect(isTransientError(Object.assign(new Error('denied'), { code: 7 }))).toBe(false);
    expect(isTransientError(new InvalidPositionError('x'))).toBe(false);
    expect(isTransientError(new RangeError('bad revision'))).toBe(false);
  });
});
