/**
 * Raw SQLite ceilings for the soak suite, measured in the same run: inserting
 * events (the store's schema and pragmas, one transaction) and point reads of
 * JSON documents by primary key, straight through better-sqlite3.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { measureCeiling } from '../append/raw-sqlite.js';
import { seededRandom } from '../place-order/order-bodies.js';

export interface SqliteCeilings {
  readonly insertEventsPerSecond: number;
  readonly pointReadsPerSecond: number;
}

function measurePointReads(dir: string, documents: number, durationMs: number): number {
  const db = new Database(path.join(dir, 'docs.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE docs (id TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID');
    const insert = db.prepare('INSERT INTO docs (id, doc) VALUES (?, ?)');
    const filler = 'x'.repeat(400);
    db.transaction(() => {
      for (let i = 0; i < documents; i++) {
        const doc = { _id: `p${i}`, name: `Product ${i}`, price: i % 9_999, filler };
        insert.run(`p${i}`, JSON.stringify(doc));
      }
    })();
    const read = db.prepare<[string], string>('SELECT doc FROM docs WHERE id = ?').pluck();
    const random = seededRandom(7);
    let reads = 0;
    const startedAt = performance.now();
    while (performance.now() - startedAt < durationMs) {
      for (let i = 0; i < 100; i++) {
        const doc = read.get(`p${Math.floor(random() * documents)}`);
        if (doc !== undefined) JSON.parse(doc);
      }
      reads += 100;
    }
    return (reads * 1000) / (performance.now() - startedAt);
  } finally {
    db.close();
  }
}

export function measureSqliteCeilings(dir: string, quick: boolean): SqliteCeilings {
  const insert = measureCeiling(dir, quick ? 50_000 : 200_000, 64);
  return {
    insertEventsPerSecond: insert.eventsPerSecond,
    pointReadsPerSecond: measurePointReads(dir, quick ? 20_000 : 100_000, quick ? 1_000 : 3_000),
  };
}
