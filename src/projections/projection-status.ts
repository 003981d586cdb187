import type { Position, RecordedEvent } from '../stores/event-store.js';
import { parsePosition } from '../stores/position.js';

export type ProjectionState =
  'starting' | 'catching-up' | 'live' | 'standby' | 'stopped' | 'failed';

/** What GET /v1/ops/projections shows for one projection. */
export interface ProjectionStatus {
  readonly name: string;
  /** The committed checkpoint (in standby: the active runner's, as last read). */
  readonly position: Position | null;
  /**
   * Events the projection's filter selects that lie after its checkpoint: the
   * ones read but not yet committed, plus, while catching up, an estimate of
   * those not read yet (see CatchUpEstimate). 0 in standby: the active runner
   * reports the lag.
   */
  readonly lagEvents: number;
  /**
   * How old the oldest event read but not yet committed is (while catching up
   * between batches: the last committed one); 0 when nothing is waiting.
   */
  readonly lagMs: number;
  /** 'failed': the store keeps failing (still retrying) or the runner crashed; see `error`. */
  readonly status: ProjectionState;
  readonly deadLetters: number;
  readonly error?: string;
}

const ordinal = (position: Position): number => Number(parsePosition(position)[0]);

/**
 * Estimates how many selected events remain between a read position and the
 * head without counting them: positions read so far tell how densely the
 * filter's events lie in the log (events per unit of position: per event on
 * SQLite, per byte on KurrentDB), which is projected over the distance to the
 * head. Exact for an unfiltered projection on SQLite.
 */
export class CatchUpEstimate {
  private events = 0;
  private span = 0;

  observe(from: Position | undefined, page: readonly RecordedEvent[]): void {
    const last = page[page.length - 1];
    if (!last) return;
    this.events += page.length;
    this.span += Math.max(1, ordinal(last.position) - (from === undefined ? 0 : ordinal(from)));
  }

  remaining(from: Position | undefined, head: Position | undefined): number {
    if (head === undefined || this.span === 0) return 0;
    const distance = ordinal(head) - (from === undefined ? 0 : ordinal(from));
    return distance <= 0 ? 0 : Math.ceil((distance * this.events) / this.span);
  }
}

export const ageMs = (now: number, recordedAt: string | undefined): number =>
  recordedAt === undefined ? 0 : Math.max(0, now - Date.parse(recordedAt));
