import { revisionMatches, streamCategory } from '../event-store.js';
import type { SqliteDatabase } from './sqlite-database.js';
import type { AppendOutcome, AppendRequest, SnapshotWrite } from './writer-protocol.js';

interface StoredEvent {
  revision: number;
  position: number;
}

/**
 * Writes a group of appends in one transaction, so they share one fsync. Each
 * append keeps its own expected-revision check: a conflict fails only that
 * append. Runs on the writer thread.
 */
export function createBatchAppender(db: SqliteDatabase) {
  const currentRevision = db
    .prepare<[string], number>('SELECT revision FROM streams WHERE stream_id = ?')
    .pluck();
  const storedEvent = db.prepare<[string, string], StoredEvent>(
    'SELECT revision, position FROM events WHERE stream_id = ? AND event_id = ?',
  );
  const insertEvent = db.prepare(
    `INSERT INTO events (stream_id, category, revision, event_id, type, data, metadata, recorded_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const saveRevision = db.prepare(
    `INSERT INTO streams (stream_id, revision) VALUES (?, ?)
     ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision`,
  );
  const saveSnapshot = db.prepare(
    `INSERT INTO snapshots (stream_id, revision, version, state) VALUES (?, ?, ?, ?)
     ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision,
       version = excluded.version, state = excluded.state
     WHERE excluded.revision >= snapshots.revision`,
  );

  function appendOne(request: AppendRequest, recordedAt: string): AppendOutcome {
    const { streamId, events } = request;
    const actual = currentRevision.get(streamId);
    const stored = events.map((e) => storedEvent.get(streamId, e.eventId));
    if (stored.every((s) => s !== undefined)) {
      const last = stored.reduce((a, b) => (b.revision > a.revision ? b : a));
      return { kind: 'appended', nextRevision: last.revision, position: last.position };
    }
    if (stored.some((s) => s !== undefined) || !revisionMatches(request.expectedRevision, actual)) {
      return { kind: 'conflict', actual: actual ?? 'no_stream' };
    }
    const category = streamCategory(streamId);
    let revision = actual ?? -1;
    let position = 0;
    for (const e of events) {
      revision += 1;
      const info = insertEvent.run(
        streamId,
        category,
        revision,
        e.eventId,
        e.type,
        e.data,
        e.metadata,
        recordedAt,
      );
      position = Number(info.lastInsertRowid);
    }
    saveRevision.run(streamId, revision);
    return { kind: 'appended', nextRevision: revision, position };
  }

  const writeBatch = db.transaction(
    (appends: readonly AppendRequest[], snapshots: readonly SnapshotWrite[]) => {
      const recordedAt = new Date().toISOString();
      const outcomes = appends.map((a) => appendOne(a, recordedAt));
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
