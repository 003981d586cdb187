import { revisionMatches, streamCategory } from '../event-store.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { createTailIndexer, STREAM_REVISION_SQL } from './stream-index.js';
import type { AppendOutcome, AppendRequest, SnapshotWrite } from './writer-protocol.js';

/** Streams whose revision the writer remembers (the ones appended to most recently). */
const REVISIONS_CACHED = 10_000;

interface StoredEvent {
  stream_id: string;
  revision: number;
  position: number;
}

/**
 * Writes a group of appends in one transaction, so they share one fsync. Each
 * append keeps its own expected-revision check: a conflict fails only that
 * append. Runs on the writer thread.
 */
export function createBatchAppender(db: SqliteDatabase) {
  const maxRevision = db.prepare<{ stream: string }, number | null>(STREAM_REVISION_SQL).pluck();
  const indexTail = createTailIndexer(db);
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  // Stream revisions as this connection last wrote them. data_version changes
  // only when another connection commits, so while it holds still (checked
  // under the write lock) the cache is exact; otherwise it is dropped. It is
  // also dropped when it holds REVISIONS_CACHED streams, which bounds it.
  const revisions = new Map<string, number>();
  let seenVersion = -1;
  const currentRevision = (streamId: string): number | undefined => {
    const cached = revisions.get(streamId);
    if (cached !== undefined) return cached;
    return maxRevision.get({ stream: streamId }) ?? undefined;
  };
  // Event ids are UUIDs, unique across the log: the index on them alone stays
  // small and, for time-ordered v7 ids, is written at its end.
  const storedEvent = db.prepare<[string], StoredEvent>(
    'SELECT stream_id, revision, position FROM events WHERE event_id = ?',
  );
  // One prepared single-row insert per event: measured faster than multi-row
  // VALUES lists (which SQLite runs through a coroutine) for groups of 64.
  const insertEvent = db.prepare<(string | number)[]>(
    `INSERT INTO events (stream_id, category, revision, event_id, type, data, metadata, recorded_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertRows = (rows: readonly (string | number)[][]): number[] =>
    rows.map((row) => Number(insertEvent.run(...row).lastInsertRowid));
  const saveSnapshot = db.prepare(
    `INSERT INTO snapshots (stream_id, revision, version, state) VALUES (?, ?, ?, ?)
     ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision,
       version = excluded.version, state = excluded.state
     WHERE excluded.revision >= snapshots.revision`,
  );

  /** Events accepted in this batch, not yet inserted, and where their outcomes go. */
  let rows: (string | number)[][] = [];
  let waiting: { outcome: number; lastRow: number; nextRevision: number }[] = [];
  let outcomes: AppendOutcome[] = [];

  /** The last position this transaction inserted, if any. */
  let head: number | undefined;

  function flush(): void {
    if (rows.length === 0) return;
    const positions = insertRows(rows);
    head = positions[positions.length - 1];
    for (const w of waiting) {
      outcomes[w.outcome] = {
        kind: 'appended',
        nextRevision: w.nextRevision,
        position: positions[w.lastRow] ?? 0,
      };
    }
    rows = [];
    waiting = [];
  }

  function appendOne(request: AppendRequest, recordedAt: string, outcome: number): void {
    const { streamId, events } = request;
    const actual = currentRevision(streamId);
    const expected = request.expectedRevision;
    // A retry of a stored append can never match the current revision, so ids
    // need checking only on a mismatch or when the expectation is loose.
    const exactMatch = typeof expected === 'number' || expected === 'no_stream';
    if (!exactMatch || !revisionMatches(expected, actual)) {
      flush();
      const stored = events.map((e) => storedEvent.get(e.eventId));
      const elsewhere = stored.find((s) => s !== undefined && s.stream_id !== streamId);
      if (elsewhere) {
        outcomes[outcome] = failed(`event id already stored in ${elsewhere.stream_id}`);
        return;
      }
      if (stored.every((s) => s !== undefined)) {
        const last = stored.reduce((a, b) => (b.revision > a.revision ? b : a));
        outcomes[outcome] = {
          kind: 'appended',
          nextRevision: last.revision,
          position: last.position,
        };
        return;
      }
      if (stored.some((s) => s !== undefined) || !revisionMatches(expected, actual)) {
        outcomes[outcome] = { kind: 'conflict', actual: actual ?? 'no_stream' };
        return;
      }
    }
    const category = streamCategory(streamId);
    let revision = actual ?? -1;
    for (const e of events) {
      revision += 1;
      rows.push([streamId, category, revision, e.eventId, e.type, e.data, e.metadata, recordedAt]);
    }
    revisions.set(streamId, revision);
    waiting.push({ outcome, lastRow: rows.length - 1, nextRevision: revision });
  }

  const writeBatch = db.transaction(
    (appends: readonly AppendRequest[], snapshots: readonly SnapshotWrite[]) => {
      const version = dataVersion.get() ?? 0;
      if (version !== seenVersion || revisions.size >= REVISIONS_CACHED) revisions.clear();
      seenVersion = version;
      const recordedAt = new Date().toISOString();
      rows = [];
      waiting = [];
      outcomes = [];
      head = undefined;
      appends.forEach((a, i) => appendOne(a, recordedAt, i));
      flush();
      if (head !== undefined) indexTail(head);
      for (const s of snapshots) saveSnapshot.run(s.streamId, s.revision, s.version, s.state);
      return outcomes;
    },
  );

  return (
    appends: readonly AppendRequest[],
    snapshots: readonly SnapshotWrite[],
  ): AppendOutcome[] => {
    try {
      return writeBatch.immediate(appends, snapshots);
    } catch (error) {
      revisions.clear();
      if (appends.length <= 1) throw error;
      // One bad append must not fail the others: retry each on its own.
      return appends.map((a) => {
        try {
          return writeBatch.immediate([a], [])[0] ?? failed('no outcome');
        } catch (e) {
          return failed(e instanceof Error ? e.message : String(e));
        }
      });
    }
  };
}

const failed = (message: string): AppendOutcome => ({ kind: 'failed', message });
