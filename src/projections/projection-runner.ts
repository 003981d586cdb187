import { BehaviorSubject, distinctUntilChanged, type Observable } from 'rxjs';
import { AppError } from '../errors.js';
import type { EventStore, Position, RecordedEvent } from '../stores/event-store.js';
import type { ReadStore } from '../stores/read-store.js';
import { BatchCommitter } from './batch-committer.js';
import {
  DEAD_LETTERS,
  countDeadLetters,
  deadLetterIndexes,
  describeError,
  projectionLease,
  reapplyDeadLetter,
  retryDeadLetter,
  skipDeadLetter,
  type RetryOutcome,
} from './dead-letters.js';
import { EventFeed } from './event-feed.js';
import { LeaseKeeper } from './lease-keeper.js';
import { PositionWaiters } from './position-waiters.js';
import { StoreRetries, defaultRetryDelay, pause, serial } from './store-retries.js';
import type { Projection } from './projection.js';
import { ageMs, type ProjectionState, type ProjectionStatus } from './projection-status.js';

/** Events per read while catching up: applied one page at a time into the batch. */
export const CATCH_UP_PAGE = 5_000;

export interface ProjectionRunnerOptions {
  readonly eventStore: EventStore;
  readonly readStore: ReadStore;
  /** This process's id, named as the lease holder. */
  readonly holder: string;
  /** Name of the checkpoint, lease and dead letters; the projection's by default. */
  readonly name?: string;
  readonly batchSize?: number;
  /**
   * Events per commit while catching up (reading pages behind the head): fewer,
   * bigger commits. `batchSize` when that is given, else 200,000. Pages of at
   * most `catchUpPageSize` are applied as they are read, so a batch keeps its
   * documents in memory but not its events.
   */
  readonly catchUpBatchSize?: number;
  /** Events per read while catching up; `CATCH_UP_PAGE` by default. */
  readonly catchUpPageSize?: number;
  readonly batchMs?: number;
  /** Attempts at a poison event before it is parked. */
  readonly maxAttempts?: number;
  /** Wait before retry number `attempt` (from 1) of a failed store call or apply. */
  readonly retryDelayMs?: (attempt: number) => number;
  readonly leaseTtlMs?: number;
  /** Live events held in memory before the runner pauses its subscription. */
  readonly maxBufferedEvents?: number;
  /** The store's name for a local collection name (shadow rebuilds map them elsewhere). */
  readonly collectionName?: (local: string) => string;
  readonly clock?: () => number;
  /** `event`: the one whose apply failed (it is retried, then parked), when that is the error. */
  readonly onError?: (error: unknown, event?: RecordedEvent) => void;
}

export interface RunningProjection {
  readonly name: string;
  status(): ProjectionStatus;
  /** The runner's states as they change, ending after 'stopped'. */
  readonly states: Observable<ProjectionState>;
  /** Resolves once every event the projection selects up to `position` is applied. */
  waitFor(position: Position, timeoutMs?: number): Promise<void>;
  /** Re-applies a dead letter between batches (from a stopped runner: under the lease). */
  retryDeadLetter(id: string): Promise<RetryOutcome>;
  skipDeadLetter(id: string): Promise<void>;
  /**
   * Runs `work` between two batches while this runner holds the lease, so
   * nothing else applies the projection meanwhile (shadow swaps, replays).
   * Afterwards the runner carries on from the stored checkpoint, which `work`
   * may have moved. PROJECTION_BUSY when another process applies it.
   */
  exclusively<T>(work: () => Promise<T>): Promise<T>;
  /** Stops taking events, commits the batch being applied, releases the lease. */
  stop(): Promise<void>;
}

/**
 * Keeps a projection's documents up to date with the log: while it holds the
 * projection's lease it reads the events after the checkpoint in batches,
 * applies each batch in memory and commits the changed documents with the new
 * checkpoint in one write. Without the lease it waits in standby.
 */
export function startProjection(
  projection: Projection,
  options: ProjectionRunnerOptions,
): RunningProjection {
  const { eventStore, readStore } = options;
  const name = options.name ?? projection.name;
  const batchSize = options.batchSize ?? 500;
  const catchUpBatchSize =
    options.catchUpBatchSize ?? (options.batchSize === undefined ? 200_000 : batchSize);
  const batchMs = options.batchMs ?? 50;
  const maxAttempts = options.maxAttempts ?? 5;
  const retryDelay = options.retryDelayMs ?? defaultRetryDelay;
  const leaseTtlMs = options.leaseTtlMs ?? 10_000;
  const collectionName = options.collectionName ?? ((local: string) => local);
  const clock = options.clock ?? Date.now;
  const onError = options.onError ?? (() => undefined);
  const lease = new LeaseKeeper({
    readStore,
    lease: projectionLease(name),
    holder: options.holder,
    ttlMs: leaseTtlMs,
    clock,
    onError,
  });
  const context = { eventStore, readStore, projection, name, collectionName, clock };
  const stopping = new AbortController();
  const waiters = new PositionWaiters({
    eventStore,
    filter: projection.filter,
    probeIntervalMs: batchMs,
    onError,
    worthProbing: () => !(active && feed?.mode === 'catching-up'),
    beforeProbe: async () => {
      if (active) return;
      const checkpoint = await readStore.checkpoint(name);
      waiters.advance(checkpoint);
      if (!active) committed = checkpoint ?? committed;
    },
  });
  const exclusive = serial();
  const state$ = new BehaviorSubject<ProjectionState>('starting');

  let state: ProjectionState = 'starting';
  let ended = false;
  let crashed: string | undefined;
  let committed: Position | undefined;
  let lastCommittedAt: string | undefined;
  /** Events taken from the feed and not committed yet: how many, and the first. */
  let pending: { count: number; oldest: RecordedEvent | undefined } = {
    count: 0,
    oldest: undefined,
  };
  let feed: EventFeed | undefined;
  let active = false;
  let deadLetters = 0;
  let reload: (() => void) | undefined;

  const publish = (next: ProjectionState = state) => {
    state = next;
    const failed = crashed !== undefined || (retries.failing !== undefined && !ended);
    state$.next(failed ? 'failed' : next);
  };
  const retries = new StoreRetries(maxAttempts, retryDelay, onError, () => publish());
  const retrying = <T>(work: () => Promise<T>, signal: AbortSignal) =>
    retries.retrying(work, signal);

  const refreshDeadLetters = () =>
    countDeadLetters(readStore, name).then((n) => (deadLetters = n), onError);

  const committer = new BatchCommitter({
    projection,
    name,
    readStore,
    collectionName,
    maxAttempts,
    retryDelayMs: retryDelay,
    retries,
    clock,
    onError,
    leaseHeld: () => lease.held(),
    onPending: (count, oldest) => (pending = { count, oldest }),
    onCommitted: (last, parked) => {
      committed = last.position;
      lastCommittedAt = last.recordedAt;
      deadLetters += parked;
      waiters.advance(last.position);
    },
  });

  /** Applies batches until the lease is lost or the runner stops. */
  const applyWhileLeased = async () => {
    const lost = new AbortController();
    const reloading = new AbortController();
    reload = () => reloading.abort();
    const signal = AbortSignal.any([stopping.signal, lost.signal, reloading.signal]);
    active = true;
    lease.keep(
      () => lost.abort(),
      () => void refreshDeadLetters(),
    );
    try {
      const checkpoint = await retrying(() => readStore.checkpoint(name), signal);
      if (signal.aborted) return;
      committed = checkpoint;
      waiters.advance(checkpoint);
      const current = new EventFeed(eventStore, {
        from: checkpoint,
        filter: projection.filter,
        batchSize,
        catchUpBatchSize: Math.min(catchUpBatchSize, options.catchUpPageSize ?? CATCH_UP_PAGE),
        batchMs,
        maxBuffered: options.maxBufferedEvents ?? 4 * batchSize,
        clock,
        onMode: (mode) => publish(mode),
      });
      feed = current;
      publish(current.mode);
      signal.addEventListener('abort', () => current.close());
      const nextPage = () => retrying(() => current.nextPage(), signal);
      while (!signal.aborted) {
        const batch = await retrying(() => current.next(), signal);
        if (!batch) break;
        // Behind the head, pages are applied as read into one commit of up to
        // catchUpBatchSize events; at the head each batch is its own commit.
        const kept = await exclusive(() =>
          current.mode === 'catching-up'
            ? committer.commitPages(batch, nextPage, catchUpBatchSize, signal)
            : committer.commit(batch, signal),
        );
        if (!kept) lost.abort();
        // Reading and committing a batch never waits on I/O: let timers (the
        // lease's renewal) and requests run between batches.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      active = false;
      feed?.close();
      feed = undefined;
      pending = { count: 0, oldest: undefined };
      reload = undefined;
      if (stopping.signal.aborted) await lease.release();
      else if (reloading.signal.aborted && !lost.signal.aborted) lease.stopRenewing();
      else {
        lease.stopRenewing();
        publish('standby');
      }
    }
  };

  const run = async () => {
    await retrying(async () => {
      for (const c of projection.collections)
        await readStore.ensureIndexes(collectionName(c.name), c.indexes);
      await readStore.ensureIndexes(DEAD_LETTERS, deadLetterIndexes);
      deadLetters = await countDeadLetters(readStore, name);
    }, stopping.signal);
    while (!stopping.signal.aborted) {
      if (await retrying(() => lease.acquire(), stopping.signal)) {
        await applyWhileLeased();
        continue;
      }
      if (stopping.signal.aborted) break;
      publish('standby');
      committed = (await readStore.checkpoint(name).catch(onError)) ?? committed;
      waiters.advance(committed);
      await refreshDeadLetters();
      await pause(leaseTtlMs / 3, stopping.signal);
    }
  };

  const stoppedError = () => new AppError('PROJECTION_STOPPED', `Projection ${name} stopped`);
  const finished = run().then(
    () => end('stopped'),
    (error: unknown) => {
      onError(error);
      crashed = `The runner crashed: ${describeError(error)}`;
      end('failed');
    },
  );

  function end(last: ProjectionState) {
    ended = true;
    waiters.close(stoppedError());
    publish(last);
    state$.complete();
  }

  return {
    name,
    states: state$.pipe(distinctUntilChanged()),
    status() {
      const now = clock();
      const oldest = pending.oldest ?? feed?.oldestBuffered;
      const catchingUp = state === 'catching-up';
      const error = crashed ?? retries.failing;
      return {
        name,
        position: committed ?? null,
        lagEvents: pending.count + (feed?.buffered ?? 0) + (feed?.unread ?? 0),
        lagMs: ageMs(now, oldest?.recordedAt ?? (catchingUp ? lastCommittedAt : undefined)),
        status: state$.value,
        deadLetters,
        ...(error !== undefined && { error }),
      };
    },
    waitFor(position, timeoutMs = 5_000) {
      if (ended) return Promise.reject(stoppedError());
      return waiters.wait(
        position,
        timeoutMs,
        () =>
          new AppError('PROJECTION_WAIT_TIMEOUT', `${name} has not reached ${position}`, {
            position,
          }),
      );
    },
    async retryDeadLetter(id) {
      if (ended) return retryDeadLetter({ ...context, leaseTtlMs }, id);
      if (!active) throw new AppError('PROJECTION_BUSY', `${name} is applied by another process`);
      const outcome = await exclusive(async () => {
        if (!lease.held()) throw new AppError('PROJECTION_BUSY', `${name} lost its lease`);
        return reapplyDeadLetter(context, id);
      });
      await refreshDeadLetters();
      return outcome;
    },
    exclusively(work) {
      if (ended) return Promise.reject(stoppedError());
      return exclusive(async () => {
        if (!active || !lease.held())
          throw new AppError('PROJECTION_BUSY', `${name} is applied by another process`);
        try {
          return await work();
        } finally {
          reload?.();
        }
      });
    },
    async skipDeadLetter(id) {
      await skipDeadLetter(readStore, id, clock);
      await refreshDeadLetters();
    },
    async stop() {
      stopping.abort();
      await finished;
    },
  };
}
