import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openReadDatabase, READ_PAGE_SIZE } from '../../../src/stores/embedded/read-database.js';
import { WalCheckpointer } from '../../../src/stores/embedded/wal-checkpointer.js';

const storeModule = new URL('../../../src/stores/embedded/embedded-read-store.ts', import.meta.url)
  .pathname;

/**
 * A process whose last work is closing a read store that has started its
 * checkpointer: nothing else keeps its event loop alive meanwhile.
 */
const CLOSING_LAST = `
const { EmbeddedReadStore } = await import(process.env.STORE_MODULE);
const store = await EmbeddedReadStore.open({ dataDir: process.env.DATA_DIR });
const docs = Array.from({ length: 3000 }, (_, i) => ({ _id: 'd' + i, body: 'x'.repeat(2000) }));
await store.commit('p', '1', docs.map((doc) => ({ kind: 'put', collection: 'c', doc })));
await store.commit('p', '2', [{ kind: 'put', collection: 'c', doc: { _id: 'last' } }]);
await store.close();
console.log('closed');
`;

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
      // Pages of the log: over 4 MB of it.
      expect(result.log * READ_PAGE_SIZE).toBeGreaterThan(4_096_000);
      expect(result.checkpointed).toBe(result.log);
      // Nothing is left for the writer's connection to copy.
      const [own] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
      expect(own).toEqual(expect.objectContaining({ log: result.log, checkpointed: result.log }));
    } finally {
      await checkpointer.close();
      db.close();
    }
  });

  it('keeps the process alive until a store closing last has stopped its checkpointer', () => {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', CLOSING_LAST],
      { env: { ...process.env, STORE_MODULE: storeModule, DATA_DIR: dir }, encoding: 'utf8' },
    );
    expect(out.trim()).toBe('closed');
  });
});
