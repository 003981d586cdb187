import type { Position, RecordedEvent } from '../stores/event-store.js';
import { comparePositions } from '../stores/position.js';
import type { ReadStore } from '../stores/read-store.js';
import { WorkingBatch, type Added } from './batch-applier.js';
import { DEAD_LETTERS, deadLetterFor } from './dead-letters.js';
import type { Projection } from './projection.js';
import { pause, type StoreRetries } from './store-retries.js';

export interface BatchCommitterOptions {
  readonly projection: Projection;
  /** The runner's name: checkpoint and dead letters. */
  readonly name: string;
  readonly readStore: ReadStore;
  readonly collectionName: (local: string) => string;
  readonly maxAttempts: number;
  readonly retryDelayMs: (attempt: number) => number;
  readonly retries: StoreRetries;
  readonly clock: () => number;
  /** `event`: the one whose apply failed, when that is the error. */
  readonly onError: (error: unknown, event?: RecordedEvent) => void;
  /** Checked right before each commit: false stops the batch uncommitted. */
  readonly leaseHeld: () => boolean;
  /** The events taken and not committed yet: how many, and the first of them. */
  readonly onPending: (count: number, oldest: RecordedEvent | undefined) => void;
  readonly onCommitted: (last: RecordedEvent, parked: number) => void;
}

/**
 * Gets a batch into the read store: applies it and commits the changed
 * documents with the checkpoint in one write. A failed store call is retried
 * with the whole batch reloaded (documents already written are skipped by
 * their `_position`). An event whose apply throws splits the batch: the events
 * before it are committed, it is retried `maxAttempts` times, then parked as a
 * dead letter in the same commit that moves the checkpoint past it.
 */
export class BatchCommitter {
  private readonly poison = new Map<Position, { attempts: number; error: unknown }>();

  constructor(private readonly options: BatchCommitterOptions) {}

  /** False if the lease was not held at commit time (the batch is left to the next holder). */
  async commit(events: readonly RecordedEvent[], signal: AbortSignal): Promise<boolean> {
    const { retries } = this.options;
    let remaining = events;
    while (remaining.length > 0 && !signal.aborted) {
      this.options.onPending(remaining.length, remaining[0]);
      let outcome: Added;
      try {
        const applied = await this.applyAndCommit(remaining);
        if (!applied) return false;
        outcome = applied;
        retries.succeeded();
      } catch (error) {
        await retries.failed(error, signal);
        continue;
      }
      remaining = remaining.slice(outcome.processed);
      if (!outcome.failure) break;
      await this.attemptFailed(outcome.failure, signal);
    }
    this.options.onPending(0, undefined);
    return true;
  }

  /**
   * Gets a catch-up's pages into the read store as one batch of up to `size`
   * events: each page is applied as it comes (`more` gives the next, or
   * undefined when there is none), so the batch holds its documents and not
   * its events, and everything is committed with the checkpoint in one write.
   * A failed store call is retried as it was (a load before the page is
   * applied, the commit with the same writes). A page with a failing event
   * commits what came before that event, then the page's rest goes through
   * `commit`. False if the lease was not held at commit time.
   */
  async commitPages(
    first: readonly RecordedEvent[],
    more: () => Promise<readonly RecordedEvent[] | undefined>,
    size: number,
    signal: AbortSignal,
  ): Promise<boolean> {
    const batch = this.workingBatch();
    let page: readonly RecordedEvent[] | undefined = first;
    let oldest = first[0];
    let rest: readonly RecordedEvent[] = [];
    let failure: Added['failure'];
    while (page && !signal.aborted) {
      this.options.onPending(batch.events + page.length, oldest);
      const added = await this.retried(() => batch.add(page!), signal);
      if (!added) break;
      if (added.value.failure) {
        failure = added.value.failure;
        rest = page.slice(added.value.processed);
        break;
      }
      if (batch.events >= size) break;
      // The page's events are garbage from here on; let timers and requests run before the next.
      await new Promise<void>((resolve) => setImmediate(resolve));
      page = await more();
      oldest ??= page?.[0];
    }
    if (signal.aborted) return true;
    const last = batch.last;
    if (last) {
      const writes = [...batch.writes(), ...this.parked(batch.skipped)];
      if (!this.options.leaseHeld()) return false;
      const committed = await this.retried(
        () => this.options.readStore.commit(this.options.name, last.position, writes),
        signal,
      );
      if (!committed) return true;
      this.committed(last, batch.skipped.length);
    }
    this.options.onPending(0, undefined);
    if (failure) await this.attemptFailed(failure, signal);
    return rest.length > 0 ? this.commit(rest, signal) : true;
  }

  /** Counts a failed attempt at an event's apply, then waits before the next. */
  private async attemptFailed(
    { event, error }: NonNullable<Added['failure']>,
    signal: AbortSignal,
  ): Promise<void> {
    const attempts = (this.poison.get(event.position)?.attempts ?? 0) + 1;
    this.poison.set(event.position, { attempts, error });
    this.options.onError(error, event);
    if (attempts < this.options.maxAttempts) {
      await pause(this.options.retryDelayMs(attempts), signal);
    }
  }

  /** `work`'s result once it succeeds, retrying store errors; undefined once `signal` aborts. */
  private async retried<T>(
    work: () => Promise<T>,
    signal: AbortSignal,
  ): Promise<{ value: T } | undefined> {
    const { retries } = this.options;
    while (!signal.aborted) {
      try {
        const value = await work();
        retries.succeeded();
        return { value };
      } catch (error) {
        await retries.failed(error, signal);
      }
    }
    return undefined;
  }

  private workingBatch(): WorkingBatch {
    const { projection, readStore, collectionName, maxAttempts } = this.options;
    return new WorkingBatch(
      projection,
      (collection, ids) => readStore.collection(collectionName(collection)).getMany(ids),
      {
        collectionName,
        skip: (event) => (this.poison.get(event.position)?.attempts ?? 0) >= maxAttempts,
      },
    );
  }

  private async applyAndCommit(events: readonly RecordedEvent[]) {
    const batch = this.workingBatch();
    const outcome = await batch.add(events);
    const last = batch.last;
    if (!last) return outcome;
    const parked = this.parked(batch.skipped);
    if (!this.options.leaseHeld()) return undefined;
    await this.options.readStore.commit(this.options.name, last.position, [
      ...batch.writes(),
      ...parked,
    ]);
    this.options.onPending(events.length - outcome.processed, events[outcome.processed]);
    this.committed(last, parked.length);
    return outcome;
  }

  /** Dead-letter writes for the events skipped as parked poison. */
  private parked(skipped: readonly RecordedEvent[]) {
    const { name, clock } = this.options;
    return skipped.map((event) => {
      const failure = this.poison.get(event.position);
      const doc = deadLetterFor(name, event, failure?.attempts ?? 0, failure?.error, clock());
      return { kind: 'put' as const, collection: DEAD_LETTERS, doc };
    });
  }

  private committed(last: RecordedEvent, parked: number): void {
    for (const position of this.poison.keys())
      if (comparePositions(position, last.position) <= 0) this.poison.delete(position);
    this.options.onCommitted(last, parked);
  }
}
