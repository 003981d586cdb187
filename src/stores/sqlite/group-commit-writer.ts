import type { Worker } from 'node:worker_threads';
import {
  PIPELINED_APPENDS,
  type AppendOutcome,
  type AppendRequest,
  type EncodedOutcomes,
  type FromWriter,
  type SnapshotWrite,
  type ToWriter,
} from './writer-protocol.js';
import { decodeOutcomes, encodeAppends } from './writer-wire.js';

interface Pending {
  readonly resolve: (outcome: AppendOutcome) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The main thread's side of group commit: appends made in one tick travel to
 * the writer thread in one message; the writer commits whatever has queued up
 * in one transaction and fsync, and answers each append with its own outcome.
 */
export class GroupCommitWriter {
  private readonly pending = new Map<number, Pending>();
  private outbox: { id: number; request: AppendRequest }[] = [];
  private snapshots: SnapshotWrite[] = [];
  private scheduled = false;
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
        else if (message.kind === 'written') this.receive(message.outcomes);
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
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.outbox.push({ id, request });
      this.schedule();
    });
  }

  /** Snapshots ride along with the next write; losing one costs only a longer load. */
  saveSnapshot(snapshot: SnapshotWrite): void {
    if (this.failure || this.closing) return;
    this.snapshots.push(snapshot);
    this.schedule();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.ready.catch(() => undefined);
      if (this.pending.size > 0 || this.scheduled) {
        await new Promise<void>((resolve) => (this.whenIdle = resolve));
      }
      if (this.failure) return;
      const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
      this.post({ kind: 'close' });
      await exited;
    })();
    return this.closing;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      if (this.failure) return;
      const appends = this.outbox;
      const snapshots = this.snapshots;
      this.outbox = [];
      this.snapshots = [];
      const halves =
        appends.length >= 2 * PIPELINED_APPENDS
          ? [appends.slice(0, appends.length >> 1), appends.slice(appends.length >> 1)]
          : [appends];
      const groups = halves.flatMap((half) => [...encodeAppends(half)]);
      if (groups.length === 0 && snapshots.length > 0) this.post({ kind: 'write', snapshots });
      groups.forEach((group, i) => {
        const withSnapshots = i === groups.length - 1 ? snapshots : [];
        this.post({ kind: 'write', appends: group, snapshots: withSnapshots }, [
          group.numbers.buffer,
        ]);
      });
    });
  }

  private receive(outcomes: EncodedOutcomes): void {
    for (const { id, outcome } of decodeOutcomes(outcomes)) {
      this.pending.get(id)?.resolve(outcome);
      this.pending.delete(id);
    }
    this.onCommitted();
    if (this.pending.size === 0 && !this.scheduled) this.whenIdle?.();
  }

  private post(message: ToWriter, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const item of this.pending.values()) item.reject(error);
    this.pending.clear();
    this.outbox = [];
    this.whenIdle?.();
  }
}
