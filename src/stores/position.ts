import type { Position } from './event-store.js';

/**
 * Positions are decimal strings ("42") or, for KurrentDB, "commit/prepare"
 * pairs ("1024/1024"). Both order by their numeric parts.
 */
export function parsePosition(position: Position): readonly [bigint, bigint] {
  const match = /^(\d{1,20})(?:\/(\d{1,20}))?$/.exec(position);
  if (!match?.[1]) throw new InvalidPositionError(position);
  const commit = BigInt(match[1]);
  return [commit, match[2] === undefined ? commit : BigInt(match[2])];
}

export function isPosition(value: string): boolean {
  try {
    parsePosition(value);
    return true;
  } catch {
    return false;
  }
}

export function comparePositions(a: Position, b: Position): number {
  if (isPlainDecimal(a) && isPlainDecimal(b)) {
    if (a.length !== b.length) return a.length < b.length ? -1 : 1;
    return a === b ? 0 : a < b ? -1 : 1;
  }
  const [ac, ap] = parsePosition(a);
  const [bc, bp] = parsePosition(b);
  if (ac !== bc) return ac < bc ? -1 : 1;
  if (ap !== bp) return ap < bp ? -1 : 1;
  return 0;
}

const ZERO = 48;
const NINE = 57;

/**
 * A valid single-number position without leading zeros ("0", "42"): two of
 * these order by length, then as text, with no parsing. Compares run per
 * document per event during catch-up, so this skips the regex and BigInts.
 */
function isPlainDecimal(position: string): boolean {
  if (typeof position !== 'string') return false;
  const { length } = position;
  if (length === 0 || length > 20) return false;
  if (length > 1 && position.charCodeAt(0) === ZERO) return false;
  for (let i = 0; i < length; i++) {
    const digit = position.charCodeAt(i);
    if (digit < ZERO || digit > NINE) return false;
  }
  return true;
}

export class InvalidPositionError extends Error {
  readonly code = 'INVALID_POSITION';
  constructor(readonly position: string) {
    super(`Not a position: ${JSON.stringify(position)}`);
    this.name = 'InvalidPositionError';
  }
}
