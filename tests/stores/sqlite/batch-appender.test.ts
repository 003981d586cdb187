import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBatchAppender } from '../../../src/stores/sqlite/batch-appender.js';
import {
  openEventDatabase,
  type SqliteDatabase,
} from '../../../src/stores/sqlite/sqlite-database.js';
import type { AppendRequest } from '../../../src/stores/sqlite/writer-protocol.js';

const event = (eventId: string) => ({ eventId, type: 'T', data: '{}', metadata: '{}' });
const append = (
  streamId: string,
  expectedRevision: AppendRequest['expectedRevision'],
  ...ids: string[]
): AppendRequest => ({
  streamId,
  expectedRevision,
  events: ids.map(event),
});

describe('batch appender', () => {
  let dir: string;
  let db: SqliteDatabase;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-'));
    db = openEventDatabase(path.join(dir, 'events.sqlite'));
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('checks each append of a batch against the ones before it and gives each its own positions', () => {
    const appendBatch = createBatchAppender(db);
    const outcomes = appendBatch(
      [
        append('s-1', 'no_stream', 'a', 'b'),
        append('s-2', 'no_stream', 'c'),
        append('s-1', 1, 'd'),
        append('s-1', 1, 'e'),
        append('s-1', 'no_stream', 'a', 'b'),
      ],
      [],
    );
    expect(outcomes).toEqual([
      { kind: 'appended', nextRevision: 1, position: 2 },
      { kind: 'appended', nextRevision: 0, position: 3 },
      { kind: 'appended', nextRevision: 2, position: 4 },
      { kind: 'conflict', actual: 2 },
      { kind: 'appended', nextRevision: 1, position: 2 },
    ]);
    const rows = db
      .prepare('SELECT position, stream_id, revision, event_id FROM events ORDER BY position')
      .all();
    expect(rows).toEqual([
      { position: 1, stream_id: 's-1', revision: 0, event_id: 'a' },
      { position: 2, stream_id: 's-1', revision: 1, event_id: 'b' },
      { position: 3, stream_id: 's-2', revision: 0, event_id: 'c' },
      { position: 4, stream_id: 's-1', revision: 2, event_id: 'd' },
    ]);
  });

  it('inserts large batches in several statements with consecutive positions', () => {
    const appendBatch = createBatchAppender(db);
    const requests = Array.from({ length: 700 }, (_, i) =>
      append(`s-${i}`, 'no_stream', `id-${i}`),
    );
    const outcomes = appendBatch(requests, []);
    expect(outcomes.map((o) => (o.kind === 'appended' ? o.position : -1))).toEqual(
      requests.map((_, i) => i + 1),
    );
  });

  it('one failing append does not fail the others', () => {
    const appendBatch = createBatchAppender(db);
    appendBatch([append('s-1', 'no_stream', 'x')], []);
    const outcomes = appendBatch(
      [append('s-2', 'no_stream', 'y'), append('s-3', 'no_stream', 'x')],
      [],
    );
    expect(outcomes[0]).toMatchObject({ kind: 'appended', nextRevision: 0 });
    expect(outcomes[1]).toMatchObject({ kind: 'failed' });
  });
});
