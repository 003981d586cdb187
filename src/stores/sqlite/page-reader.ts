import type { Worker } from 'node:worker_threads';
import type { Direction, EventFilter, RecordedEvent } from '../event-store.js';
import { rawToRecorded, type RawEventRow } from './log-rows.js';
import type { FromPageReader, ToPageReader } from './page-reader-protocol.js';
import { spawnWorker } from './spawn-worker.js';

/** Reads asking for at least this many events go to the page reader thread. */
export const OFF_THREAD_PAGE = 1_000;

interface Pending {
  readonly resolve: (rows: RawEventRow[]) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Large pages of the log (a projection catching up, an export) are read on a
 * thread of their own, started on the first such read: while it reads the
 * next page, the caller's thread applies the last one. A read the thread
 * fails is rejected (the caller retries as it would any read); a thread that
 * ends unasked fails the reads in flight, and the next read starts a new one.
 */
export class PageReader {
  #worker: { readonly thread: Worker; readonly ready: Promise<void> } | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;

  constructor(private readonly file: string) {}

  async read(
    after: number,
    direction: Direction,
    filter: EventFilter | undefined,
    limit: number,
  ): Promise<RecordedEvent[]> {
    if (this.#closed) throw new Error('the event store is closed');
    const { thread, ready } = this.#start();
    await ready;
    const rows = await new Promise<RawEventRow[]>((resolve, reject) => {
      const id = this.#nextId++;
      this.#pending.set(id, { resolve, reject });
      thread.ref();
      thread.postMessage({
        kind: 'read',
        id,
        after,
        direction,
        filter,
        limit,
      } satisfies ToPageReader);
    });
    return rows.map(rawToRecorded);
  }

  /** Reads already asked for are answered first. */
  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    if (!worker) return;
    const started = await worker.ready.then(
      () => true,
      () => false,
    );
    if (!started || this.#worker !== worker) return;
    const exited = new Promise<void>((resolve) => worker.thread.once('exit', () => resolve()));
    worker.thread.postMessage({ kind: 'close' } satisfies ToPageReader);
    await exited;
  }

  #start(): { readonly thread: Worker; readonly ready: Promise<void> } {
    if (this.#worker) return this.#worker;
    const thread = spawnWorker(import.meta.url, 'page-reader-worker', {
      workerData: { file: this.file },
    });
    const worker = {
      thread,
      ready: new Promise<void>((resolve, reject) => {
        thread.on('message', (message: FromPageReader) => {
          if (message.kind === 'ready') {
            // Idle, the thread does not keep the process alive; a read in flight does.
            if (this.#pending.size === 0) thread.unref();
            resolve();
          } else if (message.kind === 'open-failed') {
            reject(new Error(`The log's page reader could not open it: ${message.message}`));
          } else this.#answer(message);
        });
        thread.on('error', reject);
        thread.on('exit', () => {
          reject(new Error("The log's page reader stopped before it started"));
          if (this.#worker === worker) this.#worker = undefined;
          this.#failAll(new Error("The log's page reader stopped"));
        });
      }),
    };
    worker.ready.catch(() => {
      if (this.#worker === worker) this.#worker = undefined;
      void thread.terminate();
    });
    this.#worker = worker;
    return worker;
  }

  #answer(message: Extract<FromPageReader, { id: number }>): void {
    const pending = this.#pending.get(message.id);
    this.#pending.delete(message.id);
    if (this.#pending.size === 0) this.#worker?.thread.unref();
    if (message.kind === 'page') pending?.resolve(message.rows);
    else pending?.reject(new Error(`Reading the log failed: ${message.message}`));
  }

  #failAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
