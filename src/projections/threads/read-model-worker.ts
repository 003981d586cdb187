import { parentPort, workerData } from 'node:worker_threads';
import { filter, firstValueFrom } from 'rxjs';
import { isAppError } from '../../errors.js';
import { startProjection, type RunningProjection } from '../projection-runner.js';
import { PROJECTIONS } from '../read-models.js';
import type {
  FromReadModelThread,
  ReadModelWorkerData,
  RunnerCall,
  ToReadModelThread,
  WireError,
} from './read-model-messages.js';
import { openThreadStores } from './thread-stores.js';

/**
 * The read models' thread: the ordinary runners, on connections of their own,
 * so applying and committing the log's events never takes the thread that
 * answers requests. The engine talks to them through read-model-thread.ts.
 */

/** How often each runner's status is sent when it changed (lag moves between commits). */
const STATUS_MS = 100;

const port = parentPort!;
const { holder, stores } = workerData as ReadModelWorkerData;
const post = (message: FromReadModelThread) => port.postMessage(message);

const opened = openThreadStores(stores);
// Without its stores the thread can do nothing: it ends, and the engine starts another.
opened.catch((error: unknown) =>
  setImmediate(() => {
    throw error;
  }),
);

const runners = new Map<string, RunningProjection>();
const starting = new Map<string, Promise<RunningProjection>>();
const sent = new Map<string, string>();
const releases = new Map<number, () => void>();

function sendStatus(runner: RunningProjection, always = false): void {
  const status = runner.status();
  const text = JSON.stringify(status);
  if (!always && sent.get(runner.name) === text) return;
  sent.set(runner.name, text);
  post({ kind: 'status', status });
}

const ticker = setInterval(() => {
  for (const runner of runners.values()) sendStatus(runner);
}, STATUS_MS);

const toWire = (error: unknown): WireError =>
  isAppError(error)
    ? { message: error.message, code: error.code, ...(error.details && { details: error.details }) }
    : { message: error instanceof Error ? error.message : String(error) };

async function start(name: string): Promise<RunningProjection> {
  const projection = PROJECTIONS.find((p) => p.name === name);
  if (!projection) throw new Error(`No read model named ${name}`);
  const { eventStore, readStore } = await opened;
  const runner = startProjection(projection, {
    eventStore,
    readStore,
    holder,
    onError: (error, event) =>
      post({
        kind: 'error',
        name,
        message: error instanceof Error ? error.message : String(error),
        ...(event && { event }),
      }),
  });
  runners.set(name, runner);
  runner.states.subscribe(() => sendStatus(runner));
  return runner;
}

function runnerNamed(name: string): Promise<RunningProjection> {
  return starting.get(name) ?? Promise.reject(new Error(`${name} is not running on this thread`));
}

async function call(message: RunnerCall): Promise<unknown> {
  const runner = await runnerNamed(message.name);
  switch (message.method) {
    case 'waitFor':
      return runner.waitFor(...message.args);
    case 'retryDeadLetter':
      return runner.retryDeadLetter(...message.args);
    case 'skipDeadLetter':
      return runner.skipDeadLetter(...message.args);
    case 'stop':
      return runner.stop();
  }
}

/**
 * Holds the runner between two batches until the engine's exclusive work is
 * done. A runner still starting (this thread's stores opening, its lease not
 * yet asked for) is waited for: refused now, the work would take the lease
 * itself and then meet this runner holding it.
 */
async function hold(id: number, name: string): Promise<void> {
  const runner = await runnerNamed(name);
  await firstValueFrom(runner.states.pipe(filter((state) => state !== 'starting')), {
    defaultValue: 'stopped',
  });
  return runner.exclusively(
    () =>
      new Promise<void>((resolve) => {
        releases.set(id, resolve);
        post({ kind: 'held', id });
      }),
  );
}

async function answer(id: number, name: string, work: () => Promise<unknown>): Promise<void> {
  let reply: FromReadModelThread;
  try {
    const value = await work();
    reply = { kind: 'reply', id, status: undefined, ...(value !== undefined && { value }) };
  } catch (error) {
    reply = { kind: 'reply', id, status: undefined, error: toWire(error) };
  }
  const runner = runners.get(name);
  if (runner) sent.set(name, JSON.stringify(runner.status()));
  post({ ...reply, status: runner?.status() });
}

async function close(): Promise<void> {
  clearInterval(ticker);
  for (const release of releases.values()) release();
  await Promise.all(
    [...starting.values()].map((runner) => runner.then((r) => r.stop()).catch(() => undefined)),
  );
  const { eventStore, readStore } = await opened;
  await readStore.close();
  await eventStore.close();
  port.close();
}

port.on('message', (message: ToReadModelThread) => {
  switch (message.kind) {
    case 'start': {
      const started = start(message.name);
      starting.set(message.name, started);
      started.catch((error: unknown) =>
        post({ kind: 'error', name: message.name, message: toWire(error).message }),
      );
      return;
    }
    case 'call':
      void answer(message.id, message.name, () => call(message));
      return;
    case 'hold':
      void answer(message.id, message.name, () => hold(message.id, message.name));
      return;
    case 'release':
      releases.get(message.id)?.();
      releases.delete(message.id);
      return;
    case 'close':
      void close();
      return;
  }
});
