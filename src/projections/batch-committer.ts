import type { Position, RecordedEvent } from '../stores/event-store.js';
import { comparePositions } from '../stores/position.js';
import type { ReadStore } from '../stores/read-store.js';
import { applyBatch, type BatchOutcome } from './batch-applier.js';
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
  /** The events of the batch not committed yet, as they shrink. */
  readonly onPending: (events: readonly RecordedEvent[]) => void;
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
    const { maxAttempts, retries } = this.options;
    let remaining = events;
    while (remaining.length > 0 && !signal.aborted) {
      this.options.onPending(remaining);
      let outcome: BatchOutcome;
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
      const { event, error } = outcome.failure;
      const attempts = (this.poison.get(event.position)?.attempts ?? 0) + 1;
      this.poison.set(event.position, { attempts, error });
      this.options.onError(error, event);
      if (attempts < maxAttempts) await pause(this.options.retryDelayMs(attempts), signal);
    }
    this.options.onPending([]);
    return true;
  }

  private async applyAndCommit(events: readonly RecordedEvent[]) {
    const { projection, name, readStore, collectionName, maxAttempts, clock } = this.options;
    const outcome = await applyBatch(
      projection,
      events,
      (collection, ids) => readStore.collection(collectionName(collection)).getMany(ids),
      {
        collectionName,
        skip: (event) => (this.poison.get(event.position)?.attempts ?? 0) >= maxAttempts,
      },
    );
    const last = events[outcome.processed - 1];
    if (!last) return outcome;
    const parked = outcome.skipped.map((event) => {
      const failure = this.poison.get(event.position);
      return deadLetterFor(name, event, failure?.attempts ?? 0, failure?.error, clock());
    });
    if (!this.options.leaseHeld()) return undefined;
    await readStore.commit(name, last.position, [
      ...outcome.writes,
      ...parked.map((doc) => ({ kind: 'put' as const, collection: DEAD_LETTERS, doc })),
    ]);
    for (const position of this.poison.keys())
      if (comparePositions(position, last.position) <= 0) this.poison.delete(position);
    this.options.onPending(events.slice(outcome.processed));
    this.options.onCommitted(last, parked.length);
    return outcome;
  }
}
