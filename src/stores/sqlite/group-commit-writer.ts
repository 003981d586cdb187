import type { Worker } from 'node:worker_threads';
import type {
  AppendOutcome,
  AppendRequest,
  FromWriter,
  SnapshotWrite,
  ToWriter,
} from './writer-protocol.js';

interface Pending {
  readonly request: AppendRequest;
  readonly resolve: (outcome: AppendOutcome) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Group commit: at most one batch is with the writer thread at a time; appends
 * that arrive meanwhile wait and go together in the next batch, sharing its
 * transaction and fsync.
 */
export class GroupCommitWriter {
  private queue: Pending[] = [];
  private snapshots: SnapshotWrite[] = [];
  private inFlight: { id: number; items: Pending[] } | undefined;
  private nextId = 1;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;
  private readonly ready: Promise<void>;
  private whenIdle: (() => void) | undefined;

  constructor(
    private readonly worker: Worker,
    private readonly onCommitted: () => void,
  ) {
    this.ready = new Promise((resolve, reject) => {
      worker.on('message', (message: FromWriter) => {
        if (message.kind === 'ready') resolve();
        else if (message.kind === 'open-failed') reject(new Error(message.message));
        else this.receive(message);
      });
      worker.on('error', (error) => {
        reject(error);
        this.fail(error);
      });
      worker.on('exit', () => this.fail(new Error('the event store writer has stopped')));
    });
  }

  started(): Promise<void> {
    return this.ready;
  }

  append(request: AppendRequest): Promise<AppendOutcome> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error('the event store is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.flush();
    });
  }

  /** Snapshots ride along with the next batch; losing one costs only a longer load. */
  saveSnapshot(snapshot: SnapshotWrite): void {
    if (this.failure || this.closing) return;
    this.snapshots.push(snapshot);
    this.flush();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.ready.catch(() => undefined);
      if (this.inFlight || this.queue.length > 0) {
        await new Promise<void>((resolve) => (this.whenIdle = resolve));
      }
      if (this.failure) return;
      const closed = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
      this.post({ kind: 'close' });
      await closed;
    })();
    return this.closing;
  }

  private flush(): void {
    if (this.inFlight || this.failure) return;
    if (this.queue.length === 0 && this.snapshots.length === 0) {
      this.whenIdle?.();
      return;
    }
    const items = this.queue;
    const snapshots = this.snapshots;
    this.queue = [];
    this.snapshots = [];
    this.inFlight = { id: this.nextId++, items };
    this.post({
      kind: 'batch',
      id: this.inFlight.id,
      appends: items.map((i) => i.request),
      snapshots,
    });
  }

  private receive(message: FromWriter): void {
    if (message.kind !== 'batch' && message.kind !== 'batch-failed') return;
    const batch = this.inFlight;
    if (!batch || batch.id !== message.id) return;
    this.inFlight = undefined;
    if (message.kind === 'batch') {
      batch.items.forEach((item, i) =>
        item.resolve(message.outcomes[i] ?? { kind: 'failed', message: 'no outcome' }),
      );
      this.onCommitted();
    } else {
      for (const item of batch.items) item.reject(new Error(message.message));
    }
    this.flush();
  }

  private post(message: ToWriter): void {
    this.worker.postMessage(message);
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    const items = [...(this.inFlight?.items ?? []), ...this.queue];
    this.inFlight = undefined;
    this.queue = [];
    for (const item of items) item.reject(error);
    this.whenIdle?.();
  }
}
