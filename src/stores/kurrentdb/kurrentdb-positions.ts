import type { Position as ClientPosition } from '@kurrent/kurrentdb-client';
import type { Direction, Position } from '../event-store.js';
import { comparePositions, parsePosition } from '../position.js';

/** KurrentDB positions cross the port as "commit/prepare". */
export function formatPosition(position: ClientPosition): Position {
  if (position.commit < 0n || position.prepare < 0n) {
    throw new RangeError(
      `KurrentDB returned no valid position (${position.commit}/${position.prepare})`,
    );
  }
  return `${position.commit}/${position.prepare}`;
}

export function toClientPosition(position: Position): ClientPosition {
  const [commit, prepare] = parsePosition(position);
  return { commit, prepare };
}

/** True when `position` lies strictly beyond `bound` in the reading direction. */
export function isBeyond(
  position: Position,
  bound: Position | undefined,
  direction: Direction = 'forwards',
): boolean {
  if (bound === undefined) return true;
  const order = comparePositions(position, bound);
  return direction === 'forwards' ? order > 0 : order < 0;
}
