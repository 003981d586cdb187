import type { EventFilter, EventStore, Position } from '../stores/event-store.js';
import { comparePositions, parsePosition } from '../stores/position.js';

export interface PositionWaitersOptions {
  readonly eventStore: EventStore;
  readonly filter: EventFilter;
  /** How often to probe the log while someone waits for a position not yet reached. */
  readonly probeIntervalMs: number;
  /** Runs before each probe (a runner in standby reads the active runner's checkpoint). */
  readonly beforeProbe: () => Promise<void>;
  /**
   * False while commits about to come will move `through` anyway (the runner
   * is catching up): a probe then only scans the log for nothing, as far as
   * the next selected event after the last commit, which can be far.
   */
  readonly worthProbing?: () => boolean;
  readonly onError: (error: unknown) => void;
}

interface Waiter {
  readonly position: Position;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  readonly timer: NodeJS.Timeout;
}

const atOrPast = (position: Position, mark: Position | undefined) =>
  mark !== undefined && comparePositions(position, mark) <= 0;

/**
 * Read-your-writes: tracks `through`, the highest position up to which every
 * event the projection selects has been applied, and settles callers waiting
 * for a position. `through` moves with each commit, and past the last commit
 * when a probe of the log finds no selected event between them.
 */
export class PositionWaiters {
  private mark: Position | undefined;
  private waiters: Waiter[] = [];
  private probing = false;
  private probeTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: PositionWaitersOptions) {}

  get through(): Position | undefined {
    return this.mark;
  }

  advance(position: Position | undefined): void {
    if (position === undefined || atOrPast(position, this.mark)) return;
    this.mark = position;
    this.settle((target) => atOrPast(target, this.mark));
  }

  /** Every selected event before `position` (exclusive) is applied. */
  releaseBefore(position: Position): void {
    this.settle((target) => comparePositions(target, position) < 0);
  }

  wait(position: Position, timeoutMs: number, timeoutError: () => Error): Promise<void> {
    try {
      parsePosition(position);
    } catch (error) {
      return Promise.reject(error);
    }
    if (atOrPast(position, this.mark)) return Promise.resolve();
    const reached = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(timeoutError());
      }, timeoutMs);
      const waiter: Waiter = { position, resolve, reject, timer };
      this.waiters.push(waiter);
    });
    this.scheduleProbe(0);
    return reached;
  }

  /** Rejects every waiter and stops probing. */
  close(error: Error): void {
    this.closed = true;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }

  private scheduleProbe(delayMs: number): void {
    if (this.probing || this.probeTimer || this.waiters.length === 0 || this.closed) return;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = undefined;
      void this.probe();
    }, delayMs);
  }

  private async probe(): Promise<void> {
    this.probing = true;
    try {
      if (this.options.worthProbing?.() === false) return;
      await this.options.beforeProbe();
      await probeLog(this.options.eventStore, this.options.filter, this);
    } catch (error) {
      this.options.onError(error);
    } finally {
      this.probing = false;
      this.scheduleProbe(this.options.probeIntervalMs);
    }
  }

  private settle(done: (target: Position) => boolean): void {
    this.waiters = this.waiters.filter((waiter) => {
      if (!done(waiter.position)) return true;
      clearTimeout(waiter.timer);
      waiter.resolve();
      return false;
    });
  }
}

/**
 * Moves `through` past events the projection never sees: reads the head,
 * then the first selected event after `through`; if there is none up to the
 * head, everything up to the head is applied. Reading the head first keeps
 * an event appended meanwhile from being passed over.
 */
export async function probeLog(
  eventStore: EventStore,
  filter: EventFilter,
  waiters: PositionWaiters,
): Promise<void> {
  const head = await eventStore.headPosition();
  if (head === undefined) return;
  const from = waiters.through;
  const [next] = await eventStore.readAll({
    ...(from !== undefined && { fromPosition: from }),
    filter,
    limit: 1,
  });
  if (!next || comparePositions(next.position, head) > 0) waiters.advance(head);
  else waiters.releaseBefore(next.position);
}
