import fs from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../sqlite/spawn-worker.js';

export type ToCheckpointer = 'checkpoint' | 'close';

/** SQLite's answer to a checkpoint: frames in the log, and how many of them are copied. */
export interface Checkpointed {
  readonly busy: number;
  readonly log: number;
  readonly checkpointed: number;
}

export type FromCheckpointer = Checkpointed;

/** Past this log size (SQLite's own default threshold) a commit asks for a checkpoint. */
const CHECKPOINT_BYTES = 1_000 * 4_096;

/**
 * At most one checkpoint a second: a catch-up commits several times a
 * second, and a checkpoint syncs both files, so live traffic's small commits
 * would otherwise each cost two syncs.
 */
const MIN_INTERVAL_MS = 1_000;

/**
 * Checkpoints the read store's write-ahead log on a worker thread. A
 * checkpoint copies every page a commit wrote into the database file and
 * syncs both files; done by the committing connection, as SQLite does by
 * default, it took about a tenth of a catch-up's time on the main thread.
 * The worker starts when the log first grows past SQLite's usual threshold,
 * so a small store never runs one.
 */
export class WalCheckpointer {
  readonly #file: string;
  readonly #wal: string;
  #worker: Worker | undefined;
  #exited: Promise<void> | undefined;
  #requestedAt = -Infinity;
  readonly #waiting: ((result: Checkpointed) => void)[] = [];

  constructor(file: string) {
    this.#file = file;
    this.#wal = `${file}-wal`;
  }

  /** After a commit: asks for a checkpoint once the log is large enough to need one. */
  committed(): void {
    const now = Date.now();
    if (now - this.#requestedAt < MIN_INTERVAL_MS) return;
    if (!this.#worker) {
      let size: number;
      try {
        size = fs.statSync(this.#wal).size;
      } catch {
        return;
      }
      if (size < CHECKPOINT_BYTES) return;
    }
    this.#requestedAt = now;
    (this.#worker ?? this.#start()).postMessage('checkpoint' satisfies ToCheckpointer);
  }

  /** The outcome of the next checkpoint the worker runs. */
  nextCheckpoint(): Promise<Checkpointed> {
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (!worker) return;
    // Unreferenced while it runs; waiting for it to exit must keep the process alive.
    worker.ref();
    worker.postMessage('close' satisfies ToCheckpointer);
    await this.#exited;
  }

  #start(): Worker {
    const worker = spawnWorker(import.meta.url, 'wal-checkpoint-worker', {
      workerData: { file: this.#file },
    });
    // A failed worker only means the writer checkpoints itself (at the backstop).
    worker.on('error', () => undefined);
    worker.on('message', (result: FromCheckpointer) => {
      for (const resolve of this.#waiting.splice(0)) resolve(result);
    });
    worker.unref();
    this.#exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    this.#worker = worker;
    return worker;
  }
}
