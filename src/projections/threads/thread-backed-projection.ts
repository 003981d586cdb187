import { BehaviorSubject, distinctUntilChanged, switchMap, type Observable } from 'rxjs';
import { AppError } from '../../errors.js';
import type { EventStore, Position } from '../../stores/event-store.js';
import type { ReadStore } from '../../stores/read-store.js';
import { PositionWaiters } from '../position-waiters.js';
import type { RunningProjection } from '../projection-runner.js';
import type { ProjectionState } from '../projection-status.js';
import type { Projection } from '../projection.js';
import type { CatchUpThread } from './catch-up-thread.js';

/** How often progress is read from the checkpoint while a thread catches up. */
const PROGRESS_MS = 50;

/**
 * A read model whose catch-up runs on a thread: reports the thread's
 * progress (its checkpoint, read here without taking the write lock) and
 * answers `waitFor` from it, then starts the ordinary runner once the
 * threads have ended and hands everything over to it. Until then nothing
 * here asks for the lease, so nothing here waits on the threads' commits. Dead-letter
 * work and exclusive work answer PROJECTION_BUSY meanwhile, as for a
 * projection applied by another process.
 */
export function threadBackedProjection(options: {
  readonly projection: Projection;
  readonly eventStore: EventStore;
  readonly readStore: ReadStore;
  readonly thread: CatchUpThread;
  /**
   * When the runner here may start: once every catch-up thread has ended, so
   * that its writes (the lease, live batches) never wait on a thread's large
   * catch-up commits.
   */
  readonly handOverAfter: Promise<unknown>;
  readonly start: () => RunningProjection;
  readonly onError: (error: unknown) => void;
}): RunningProjection {
  const { projection, readStore, thread } = options;
  const name = projection.name;
  let position: Position | undefined;
  let runner: RunningProjection | undefined;
  let stopped = false;
  const runner$ = new BehaviorSubject<RunningProjection | undefined>(undefined);
  const state$ = new BehaviorSubject<ProjectionState>('catching-up');
  const readProgress = async () => {
    try {
      position = (await readStore.checkpoint(name)) ?? position;
      waiters.advance(position);
    } catch (error) {
      options.onError(error);
    }
  };
  const waiters = new PositionWaiters({
    eventStore: options.eventStore,
    filter: projection.filter,
    probeIntervalMs: PROGRESS_MS,
    // The thread's commits move the checkpoint; past its end the hand-over's runner waits.
    worthProbing: () => false,
    beforeProbe: readProgress,
    onError: options.onError,
  });
  const progress = setInterval(() => void readProgress(), PROGRESS_MS);
  progress.unref();
  const handedOver = Promise.all([thread.ended, options.handOverAfter]).then(async () => {
    clearInterval(progress);
    await readProgress();
    if (stopped) return;
    runner = options.start();
    runner$.next(runner);
  });
  const busy = () =>
    new AppError('PROJECTION_BUSY', `${name} is catching up on a thread of its own`);

  const states: Observable<ProjectionState> = runner$.pipe(
    switchMap((current) => current?.states ?? state$),
    distinctUntilChanged(),
  );

  return {
    name,
    states,
    status() {
      if (runner) return runner.status();
      return {
        name,
        position: position ?? null,
        lagEvents: 0,
        lagMs: 0,
        status: stopped ? 'stopped' : 'catching-up',
        deadLetters: 0,
      };
    },
    async waitFor(target, timeoutMs = 5_000) {
      if (runner) return runner.waitFor(target, timeoutMs);
      const startedAt = Date.now();
      const error = () =>
        new AppError('PROJECTION_WAIT_TIMEOUT', `${name} has not reached ${target}`, {
          position: target,
        });
      // Whichever comes first: the thread's checkpoint passing it, or the hand-over.
      const reached = waiters.wait(target, timeoutMs, error);
      const after = handedOver.then(() => {
        if (!runner) throw error();
        return runner.waitFor(target, Math.max(0, timeoutMs - (Date.now() - startedAt)));
      });
      const ignore = () => undefined;
      reached.catch(ignore);
      after.catch(ignore);
      await Promise.race([reached, after]);
    },
    async retryDeadLetter(id) {
      if (!runner) throw busy();
      return runner.retryDeadLetter(id);
    },
    async skipDeadLetter(id) {
      if (!runner) throw busy();
      return runner.skipDeadLetter(id);
    },
    async exclusively(work) {
      if (!runner) throw busy();
      return runner.exclusively(work);
    },
    async stop() {
      stopped = true;
      await thread.stop();
      await handedOver;
      waiters.close(new AppError('PROJECTION_STOPPED', `Projection ${name} stopped`));
      if (runner) return runner.stop();
      state$.next('stopped');
      state$.complete();
      runner$.complete();
    },
  };
}
