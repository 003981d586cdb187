import path from 'node:path';
import type { Observable } from 'rxjs';
import {
  WrongExpectedRevisionError,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ListStreamsOptions,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamInfo,
  type SubscribeOptions,
} from '../event-store.js';
import { parsePosition } from '../position.js';
import type { Snapshot, SnapshotStore } from '../snapshot-store.js';
import { ChangeNotifier } from './change-notifier.js';
import { createEventReader } from './event-reader.js';
import { GroupCommitWriter } from './group-commit-writer.js';
import { spawnWorker } from './spawn-worker.js';
import { OFF_THREAD_PAGE, PageReader } from './page-reader.js';
import { openEventDatabase, PAGE_CACHE_MIB, type SqliteDatabase } from './sqlite-database.js';
import { SharedTail } from './shared-tail.js';
import { tailEvents } from './tail-events.js';

export interface SqliteEventStoreOptions {
  /** Directory holding `events.sqlite`. */
  readonly dataDir: string;
  /** How often subscribers look for appends made by other processes. */
  readonly pollIntervalMs?: number;
}

const toNumber = (position: Position | undefined): number | undefined =>
  position === undefined ? undefined : Number(parsePosition(position)[0]);

/**
 * The embedded event store: one SQLite file in WAL mode. Appends go to a writer
 * thread that commits them in groups; reads and subscriptions use a separate
 * connection on the calling thread, but for large pages of the log, which a
 * thread of their own reads (`PageReader`).
 */
export class SqliteEventStore implements EventStore, SnapshotStore {
  /** One writer thread commits appends in the order they were made. */
  readonly appendsInCallOrder = true;

  /** The newest events, read once for all subscribers at the head. */
  private readonly tail: SharedTail;

  private constructor(
    private readonly db: SqliteDatabase,
    private readonly reader: ReturnType<typeof createEventReader>,
    private readonly writer: GroupCommitWriter,
    private readonly changes: ChangeNotifier,
    private readonly pages: PageReader,
  ) {
    const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.tail = new SharedTail({
      readAfter: (position, limit) => reader.readAll(position, 'forwards', undefined, limit),
      head: () => reader.headPosition() ?? 0,
      version: () => dataVersion.get() ?? 0,
    });
  }

  static async open(options: SqliteEventStoreOptions): Promise<SqliteEventStore> {
    const file = path.join(options.dataDir, 'events.sqlite');
    const db = openEventDatabase(file, PAGE_CACHE_MIB.reader);
    const changes = new ChangeNotifier(db, options.pollIntervalMs ?? 20);
    const worker = spawnWorker(import.meta.url, 'sqlite-writer-worker', { workerData: { file } });
    const writer = new GroupCommitWriter(worker, () => changes.notify());
    try {
      await writer.started();
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteEventStore(db, createEventReader(db), writer, changes, new PageReader(file));
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    if (events.length === 0) throw new TypeError('An append needs at least one event');
    const ids = new Set(events.map((e) => e.eventId));
    if (ids.size !== events.length) throw new TypeError('Event ids repeat within one append');
    const expectedRevision = options.expectedRevision ?? 'any';
    const outcome = await this.writer.append({
      streamId,
      expectedRevision,
      events: events.map((e) => ({
        eventId: e.eventId,
        type: e.type,
        data: JSON.stringify(e.data ?? null),
        metadata: JSON.stringify(e.metadata ?? {}),
      })),
    });
    switch (outcome.kind) {
      case 'appended':
        return { nextRevision: outcome.nextRevision, position: String(outcome.position) };
      case 'conflict':
        throw new WrongExpectedRevisionError(streamId, expectedRevision, outcome.actual);
      case 'failed':
        throw new Error(`Append to ${streamId} failed: ${outcome.message}`);
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.reader.readStream(
      streamId,
      options.fromRevision,
      options.direction ?? 'forwards',
      options.limit,
    );
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const direction = options.direction ?? 'forwards';
    const from = toNumber(options.fromPosition);
    const after = from ?? (direction === 'forwards' ? 0 : Number.MAX_SAFE_INTEGER);
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    if (limit >= OFF_THREAD_PAGE) return this.pages.read(after, direction, options.filter, limit);
    return this.reader.readAll(after, direction, options.filter, options.limit);
  }

  async listStreams(options: ListStreamsOptions = {}): Promise<StreamInfo[]> {
    return this.reader.listStreams(options.prefix ?? '', options.after ?? '', options.limit ?? 100);
  }

  async streamRevision(streamId: string): Promise<number | undefined> {
    return this.reader.streamRevision(streamId);
  }

  async headPosition(): Promise<Position | undefined> {
    const head = this.reader.headPosition();
    return head === undefined ? undefined : String(head);
  }

  subscribeToAll(options: SubscribeOptions = {}): Observable<RecordedEvent> {
    const from = toNumber(options.fromPosition) ?? 0;
    return tailEvents(
      {
        readAfter: (position, filter, limit) =>
          this.tail.readAfter(position, filter, limit) ?? {
            events: this.reader.readAll(position, 'forwards', filter, limit),
          },
        onChange: (listener) => this.changes.listen(listener),
      },
      from,
      options.filter,
    );
  }

  async loadSnapshot(streamId: string): Promise<Snapshot | undefined> {
    const row = this.db
      .prepare<[string], { revision: number; version: string; state: string }>(
        'SELECT revision, version, state FROM snapshots WHERE stream_id = ?',
      )
      .get(streamId);
    return row && { revision: row.revision, version: row.version, state: JSON.parse(row.state) };
  }

  saveSnapshot(streamId: string, snapshot: Snapshot): void {
    this.writer.saveSnapshot({
      streamId,
      revision: snapshot.revision,
      version: snapshot.version,
      state: JSON.stringify(snapshot.state),
    });
  }

  async close(): Promise<void> {
    await this.pages.close();
    await this.writer.close();
    this.changes.close();
    this.db.close();
  }
}
