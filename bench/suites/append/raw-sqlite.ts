import path from 'node:path';
import {
  openEventDatabase,
  type SqliteDatabase,
} from '../../../src/stores/sqlite/sqlite-database.js';
import { sampleRow, type EventRow } from '../../lib/sample-events.js';
import { summariseLatencies } from '../../lib/stats.js';
import { throughput, type AppendRun, type ThroughputRun } from './measurements.js';

/*
 * Baselines on the same disk, events table and pragmas as the store
 * (openEventDatabase: WAL, synchronous=FULL), driven straight through
 * better-sqlite3 on this thread. The naive floor indexes events by (stream,
 * revision) as it inserts them, as a store without deferred indexing would;
 * the ceiling inserts into the events table alone.
 */

const INSERT_EVENT = `INSERT INTO events (stream_id, category, revision, event_id, type, data, metadata, recorded_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;

const openIn = (dir: string): SqliteDatabase => openEventDatabase(path.join(dir, 'events.sqlite'));

function eventInserter(db: SqliteDatabase) {
  const insert = db.prepare(INSERT_EVENT);
  return (row: EventRow) =>
    insert.run(
      row.streamId,
      row.category,
      row.revision,
      row.eventId,
      row.type,
      row.data,
      row.metadata,
      row.recordedAt,
    );
}

/** The ceiling: `count` prepared rows over `streams` streams, inserted in one transaction (one fsync). */
export function measureCeiling(dir: string, count: number, streams: number): ThroughputRun {
  const db = openIn(dir);
  try {
    const rows = Array.from({ length: count }, (_, i) =>
      sampleRow(`cart-${i % streams}`, Math.floor(i / streams)),
    );
    const insert = eventInserter(db);
    const insertAll = db.transaction(() => rows.forEach(insert));
    const startedAt = performance.now();
    insertAll.immediate();
    return throughput(count, startedAt);
  } finally {
    db.close();
  }
}

/**
 * The naive floor: one appender, one transaction (and fsync) per append, doing
 * the store's work for it: check the expected revision, then insert.
 */
export function measureFloor(dir: string, durationMs: number): AppendRun {
  const db = openIn(dir);
  try {
    db.exec('CREATE UNIQUE INDEX naive_events_by_stream ON events (stream_id, revision)');
    const insert = eventInserter(db);
    const currentRevision = db
      .prepare<[string], number | null>('SELECT max(revision) FROM events WHERE stream_id = ?')
      .pluck();
    const append = db.transaction((row: EventRow) => {
      const actual = currentRevision.get(row.streamId) ?? -1;
      if (actual !== row.revision - 1) throw new Error(`floor: ${row.streamId} is at ${actual}`);
      insert(row);
    });
    const latencies: number[] = [];
    const startedAt = performance.now();
    const deadline = startedAt + durationMs;
    let revision = 0;
    while (performance.now() < deadline) {
      const appendStartedAt = performance.now();
      append.immediate(sampleRow('cart-floor', revision));
      latencies.push(performance.now() - appendStartedAt);
      revision += 1;
    }
    const { p50Ms, p99Ms } = summariseLatencies(latencies);
    return { ...throughput(revision, startedAt), p50Ms, p99Ms };
  } finally {
    db.close();
  }
}
