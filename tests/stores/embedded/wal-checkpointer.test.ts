import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openReadDatabase } from '../../../src/stores/embedded/read-database.js';
import { WalCheckpointer } from '../../../src/stores/embedded/wal-checkpointer.js';

describe('WAL checkpointer', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wal-checkpointer-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('copies a large log into the database file on its worker thread', async () => {
    const file = path.join(dir, 'read-models.sqlite');
    const db = openReadDatabase(file);
    const checkpointer = new WalCheckpointer(file);
    try {
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
      const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
      db.transaction(() => {
        for (let i = 0; i < 3_000; i++) insert.run('x'.repeat(2_000));
      })();
      expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(4_096_000);
      const next = checkpointer.nextCheckpoint();
      checkpointer.committed();
      const result = await next;
      expect(result.log).toBeGreaterThan(1_000);
      expect(result.checkpointed).toBe(result.log);
      // Nothing is left for the writer's connection to copy.
      const [own] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
      expect(own).toEqual(expect.objectContaining({ log: result.log, checkpointed: result.log }));
    } finally {
      await checkpointer.close();
      db.close();
    }
  });
});
