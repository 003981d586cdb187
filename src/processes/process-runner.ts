import type { Subscription } from 'rxjs';
import type { EventFilter, EventStore, RecordedEvent } from '../stores/event-store.js';
import { comparePositions } from '../stores/position.js';
import { KeyedQueue } from '../commands/keyed-queue.js';
import type { Checkpoints } from './checkpoints.js';

export interface ProcessDefinition {
  readonly name: string;
  readonly filter: EventFilter;
  /** Events with the same key are handled one at a time, in log order; keys run concurrently. */
  keyOf(event: RecordedEvent): string;
  /** Must be idempotent: after a crash, events since the checkpoint are handled again. */
  handle(event: RecordedEvent): Promise<void>;
}

export interface ProcessRunnerDeps {
  readonly eventStore: EventStore;
  readonly checkpoints: Checkpoints;
  readonly onError?: (error: unknown, event: RecordedEvent, attempt: number) => void;
  /** The log could not be read (e.g. an event of an unknown newer schema); the runner resubscribes after a backoff. */
  readonly onSubscriptionError?: (error: unknown, attempt: number) => void;
  readonly retryDelayMs?: (attempt: number) => number;
  readonly checkpointIntervalMs?: number;
}

export interface RunningProcess {
  /** Position up to which every event has been handled. */
  position(): string | undefined;
  /** Events received and not yet handled. */
  inFlight(): number;
  /** Resolves once every event up to `position` has been handled. */
  waitFor(position: string): Promise<void>;
  /** Stops taking events, lets running handlers finish and saves the checkpoint. */
  stop(): Promise<void>;
}

interface Entry {
  readonly position: string;
  done: boolean;
}

const defaultDelay = (attempt: number) => Math.min(5000, 20 * 2 ** attempt) * (0.5 + Math.random());

/**
 * Follows the log from a checkpoint and hands each event to a process. The
 * checkpoint is a low watermark: it only passes an event once it and every
 * event before it have been handled, so a crash never skips work.
 */
export async function runProcess(
  definition: ProcessDefinition,
  deps: ProcessRunnerDeps,
): Promise<RunningProcess> {
  const queue = new KeyedQueue();
  const pending: Entry[] = [];
  const waiters: { position: string; resolve: () => void }[] = [];
  const retryDelay = deps.retryDelayMs ?? defaultDelay;
  let handled = await deps.checkpoints.load(definition.name);
  let saved = handled;
  let stopping = false;
  let saving: Promise<void> = Promise.resolve();
  let saveTimer: NodeJS.Timeout | undefined;

  const reached = (position: string) =>
    handled !== undefined && comparePositions(handled, position) >= 0;

  const save = () => {
    saveTimer = undefined;
    const position = handled;
    if (position === undefined || position === saved) return saving;
    saving = saving
      .then(() => deps.checkpoints.save(definition.name, position))
      .then(
        () => {
          saved = position;
        },
        () => undefined,
      );
    return saving;
  };

  const settle = () => {
    while (pending[0]?.done) handled = pending.shift()?.position;
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i];
      if (waiter && reached(waiter.position)) {
        waiters.splice(i, 1);
        waiter.resolve();
      }
    }
    if (!saveTimer && !stopping) {
      saveTimer = setTimeout(save, deps.checkpointIntervalMs ?? 200);
      saveTimer.unref();
    }
  };

  const handleWithRetry = async (event: RecordedEvent) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await definition.handle(event);
        return;
      } catch (error) {
        deps.onError?.(error, event, attempt);
        if (stopping) throw error;
        await new Promise((resolve) => setTimeout(resolve, retryDelay(attempt)));
        if (stopping) throw error;
      }
    }
  };

  let received = handled;
  let subscription: Subscription | undefined;
  let resubscribeTimer: NodeJS.Timeout | undefined;
  const follow = (failures: number) => {
    subscription = deps.eventStore
      .subscribeToAll({
        ...(received ? { fromPosition: received } : {}),
        filter: definition.filter,
      })
      .subscribe({
        next: (event) => {
          received = event.position;
          failures = 0;
          const entry: Entry = { position: event.position, done: false };
          pending.push(entry);
          queue
            .run(definition.keyOf(event), () => handleWithRetry(event))
            .then(
              () => {
                entry.done = true;
                settle();
              },
              () => undefined,
            );
        },
        // Resume after the last event received, so nothing is handed over twice.
        error: (error: unknown) => {
          deps.onSubscriptionError?.(error, failures + 1);
          if (stopping) return;
          resubscribeTimer = setTimeout(() => follow(failures + 1), retryDelay(failures + 1));
          resubscribeTimer.unref();
        },
      });
  };
  follow(0);

  return {
    position: () => handled,
    inFlight: () => pending.length,
    waitFor(position) {
      if (reached(position)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ position, resolve }));
    },
    async stop() {
      stopping = true;
      subscription?.unsubscribe();
      if (resubscribeTimer) clearTimeout(resubscribeTimer);
      if (saveTimer) clearTimeout(saveTimer);
      const running = pending.filter((e) => !e.done).length;
      if (running > 0) {
        await new Promise<void>((resolve) => {
          const check = setInterval(() => {
            if (pending.every((e) => e.done) || pending.length === 0) {
              clearInterval(check);
              resolve();
            }
          }, 5);
        });
      }
      await save();
    },
  };
}
