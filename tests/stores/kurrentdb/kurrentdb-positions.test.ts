import { InvalidPositionError, comparePositions } from '../../../src/stores/position.js';
import {
  formatPosition,
  isBeyond,
  toClientPosition,
} from '../../../src/stores/kurrentdb/kurrentdb-positions.js';

describe('KurrentDB positions', () => {
  it('formats a client position as "commit/prepare"', () => {
    expect(formatPosition({ commit: 1024n, prepare: 1000n })).toBe('1024/1000');
  });

  it('keeps 64-bit positions exact', () => {
    const max = 18446744073709551615n;
    const position = formatPosition({ commit: max, prepare: max - 1n });
    expect(position).toBe('18446744073709551615/18446744073709551614');
    expect(toClientPosition(position)).toEqual({ commit: max, prepare: max - 1n });
  });

  it('round-trips through the client form', () => {
    expect(toClientPosition(formatPosition({ commit: 7n, prepare: 3n }))).toEqual({
      commit: 7n,
      prepare: 3n,
    });
  });

  it('reads a single number as commit and prepare alike', () => {
    expect(toClientPosition('42')).toEqual({ commit: 42n, prepare: 42n });
  });

  it('refuses malformed and negative positions', () => {
    expect(() => toClientPosition('12/x')).toThrow(InvalidPositionError);
    expect(() => toClientPosition('')).toThrow(InvalidPositionError);
    expect(() => formatPosition({ commit: -1n, prepare: -1n })).toThrow(RangeError);
  });

  it('orders formatted positions by commit, then prepare', () => {
    expect(comparePositions('10/5', '10/9')).toBeLessThan(0);
    expect(comparePositions('11/0', '10/9')).toBeGreaterThan(0);
  });

  it('tells whether a position lies strictly beyond a bound in either direction', () => {
    expect(isBeyond('5/5', undefined)).toBe(true);
    expect(isBeyond('6/6', '5/5')).toBe(true);
    expect(isBeyond('5/5', '5/5')).toBe(false);
    expect(isBeyond('4/4', '5/5')).toBe(false);
    expect(isBeyond('4/4', '5/5', 'backwards')).toBe(true);
    expect(isBeyond('5/5', '5/5', 'backwards')).toBe(false);
  });
});
