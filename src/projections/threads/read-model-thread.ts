import type { Worker } from 'node:worker_threads';
import { BehaviorSubject, distinctUntilChanged } from 'rxjs';
import { AppError } from '../../errors.js';
import type { RecordedEvent } from '../../stores/event-store.js';
import { comparePositions } from '../../stores/position.js';
import { spawnWorker } from '../../stores/sqlite/spawn-worker.js';
import type { RunningProjection } from '../projection-runner.js';
import type { ProjectionState, ProjectionStatus } from '../projection-status.js';
import type {
  FromReadModelThread,
  ReadModelWorkerData,
  RunnerCalls,
  ToReadModelThread,
  WireError,
} from './read-model-messages.js';
import { PROJECTION_THREAD_LIMITS } from './thread-heap.js';

export interface ReadModelThread {
  /** Starts the named read model's runner on the thread; what the engine holds of it. */
  start(name: string): RunningProjection;
  /** Stops every runner there, closes the thread's stores and ends it. */
  close(): Promise<void>;
}

interface Call {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

interface Runner {
  status: ProjectionStatus;
  readonly state$: BehaviorSubject<ProjectionState>;
  stopped: boolean;
}

const fromWire = (error: WireError): Error =>
  error.code === undefined
    ? new Error(error.message)
    : new AppError(error.code, error.message, error.details);

/** Wait before starting the thread again after it ended unasked, by how often it did in a row. */
const restartDelayMs = (failures: number) => Math.min(30_000, 500 * 2 ** failures);

/**
 * Runs the read models on a worker thread of their own (read-model-worker.ts)
 * and gives the engine a RunningProjection for each that forwards to it:
 * status and states as the thread reports them, `waitFor`, dead letters and
 * `exclusively` as calls answered by the thread's runner (exclusive work
 * runs here while that runner waits between two batches, holding the lease).
 * If the thread ends unasked, calls in flight fail, the read models show as
 * failed, and a new thread takes over from their checkpoints.
 */
export function startReadModelThread(
  data: ReadModelWorkerData,
  onError: (name: string | undefined, error: Error, event?: RecordedEvent) => void,
): ReadModelThread {
  const runners = new Map<string, Runner>();
  const calls = new Map<number, Call>();
  const holds = new Map<number, () => void>();
  let nextId = 1;
  let failures = 0;
  let closing = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let ended: Promise<void> = Promise.resolve();
  /** False from the thread's end until the next one starts: calls then fail at once. */
  let alive = false;
  let worker = spawn();

  function spawn(): Worker {
    const started = spawnWorker(import.meta.url, 'read-model-worker', {
      workerData: data,
      resourceLimits: PROJECTION_THREAD_LIMITS,
    });
    started.on('message', receive);
    started.on('error', (error) => onError(undefined, error));
    alive = true;
    ended = new Promise((resolve) => started.on('exit', () => resolve()));
    void ended.then(() => {
      alive = false;
      if (!closing) restart();
    });
    for (const [name, runner] of runners) {
      if (!runner.stopped) started.postMessage({ kind: 'start', name } satisfies ToReadModelThread);
    }
    return started;
  }

  const endedError = () =>
    new AppError('PROJECTION_BUSY', 'The read models thread ended; starting another');

  function restart(): void {
    const error = endedError();
    for (const call of calls.values()) call.reject(error);
    calls.clear();
    holds.clear();
    for (const runner of runners.values()) {
      if (runner.stopped) continue;
      runner.status = { ...runner.status, status: 'failed', error: error.message };
      runner.state$.next('failed');
    }
    onError(undefined, error);
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (!closing) worker = spawn();
    }, restartDelayMs(failures++));
  }

  function receive(message: FromReadModelThread): void {
    switch (message.kind) {
      case 'status':
        return update(message.status);
      case 'reply': {
        if (message.status) update(message.status);
        const call = calls.get(message.id);
        calls.delete(message.id);
        if (message.error) call?.reject(fromWire(message.error));
        else call?.resolve(message.value);
        return;
      }
      case 'held':
        holds.get(message.id)?.();
        holds.delete(message.id);
        return;
      case 'error':
        onError(message.name, new Error(message.message), message.event);
        return;
    }
  }

  function update(status: ProjectionStatus): void {
    const runner = runners.get(status.name);
    if (!runner) return;
    runner.status = status;
    if (status.status === 'live') failures = 0;
    if (!runner.state$.closed) runner.state$.next(status.status);
  }

  function send(message: ToReadModelThread): void {
    worker.postMessage(message);
  }

  function request(id: number, message: ToReadModelThread): Promise<unknown> {
    if (!alive) return Promise.reject(endedError());
    return new Promise((resolve, reject) => {
      calls.set(id, { resolve, reject });
      send(message);
    });
  }

  function call<M extends keyof RunnerCalls>(
    name: string,
    method: M,
    ...args: RunnerCalls[M]
  ): Promise<unknown> {
    const id = nextId++;
    return request(id, { kind: 'call', id, name, method, args } as ToReadModelThread);
  }

  function proxy(name: string): RunningProjection {
    const runner: Runner = {
      status: { name, position: null, lagEvents: 0, lagMs: 0, status: 'starting', deadLetters: 0 },
      state$: new BehaviorSubject<ProjectionState>('starting'),
      stopped: false,
    };
    runners.set(name, runner);
    const stoppedError = () => new AppError('PROJECTION_STOPPED', `Projection ${name} stopped`);
    return {
      name,
      states: runner.state$.pipe(distinctUntilChanged()),
      status: () => runner.status,
      async waitFor(position, timeoutMs = 5_000) {
        if (runner.stopped) throw stoppedError();
        const { position: committed } = runner.status;
        if (committed !== null && comparePositions(position, committed) <= 0) return;
        await call(name, 'waitFor', position, timeoutMs);
      },
      async retryDeadLetter(id) {
        return (await call(name, 'retryDeadLetter', id)) as Awaited<
          ReturnType<RunningProjection['retryDeadLetter']>
        >;
      },
      async skipDeadLetter(id) {
        await call(name, 'skipDeadLetter', id);
      },
      async exclusively(work) {
        if (runner.stopped) throw stoppedError();
        const id = nextId++;
        const held = new Promise<'held'>((resolve) => holds.set(id, () => resolve('held')));
        const replied = request(id, { kind: 'hold', id, name });
        // An answer before the hold began is a refusal (PROJECTION_BUSY, stopped) or a lost thread.
        if ((await Promise.race([held, replied.then(() => 'replied' as const)])) !== 'held') {
          holds.delete(id);
          throw new AppError('PROJECTION_BUSY', `${name} could not be held`);
        }
        try {
          return await work();
        } finally {
          send({ kind: 'release', id });
          await replied.catch(() => undefined);
        }
      },
      async stop() {
        if (runner.stopped) return;
        runner.stopped = true;
        await call(name, 'stop').catch(() => undefined);
        runner.status = { ...runner.status, status: 'stopped', lagEvents: 0, lagMs: 0 };
        runner.state$.next('stopped');
        runner.state$.complete();
      },
    };
  }

  return {
    start(name) {
      const running = proxy(name);
      send({ kind: 'start', name });
      return running;
    },
    async close() {
      closing = true;
      if (restartTimer) clearTimeout(restartTimer);
      send({ kind: 'close' });
      await ended;
    },
  };
}
