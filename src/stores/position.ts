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
  const [ac, ap] = parsePosition(a);
  const [bc, bp] = parsePosition(b);
  if (ac !== bc) return ac < bc ? -1 : 1;
  if (ap !== bp) return ap < bp ? -1 : 1;
  return 0;
}

export class InvalidPositionError extends Error {
  readonly code = 'INVALID_POSITION';
  constructor(readonly position: string) {
    super(`Not a position: ${JSON.stringify(position)}`);
    this.name = 'InvalidPositionError';
  }
}
