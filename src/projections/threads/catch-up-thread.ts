import { spawnWorker } from '../../stores/sqlite/spawn-worker.js';
import { PROJECTION_THREAD_LIMITS } from './thread-heap.js';
import type { CatchUpWorkerData, FromCatchUpThread, ToCatchUpThread } from './catch-up-messages.js';

export interface CatchUpThread {
  /** Settles once the thread has ended. */
  readonly ended: Promise<void>;
  /** Asks the thread to stop (its runner commits or drops its batch and lets the lease go). */
  stop(): Promise<void>;
}

/** Starts a projection's catch-up on a thread of its own (see catch-up-worker.ts). */
export function startCatchUpThread(
  data: CatchUpWorkerData,
  onError: (error: Error, position?: string) => void,
): CatchUpThread {
  const worker = spawnWorker(import.meta.url, 'catch-up-worker', {
    workerData: data,
    resourceLimits: PROJECTION_THREAD_LIMITS,
  });
  const ended = new Promise<void>((resolve) => worker.on('exit', () => resolve()));
  worker.on('message', (message: FromCatchUpThread) => {
    if (message.kind === 'error') onError(new Error(message.message), message.position);
  });
  worker.on('error', (error) => onError(error));
  return {
    ended,
    async stop() {
      worker.postMessage('stop' satisfies ToCatchUpThread);
      await ended;
    },
  };
}
