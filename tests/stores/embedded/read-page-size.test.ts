import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedReadStore } from '../../../src/stores/embedded/embedded-read-store.js';
import { openReadDatabase, READ_PAGE_SIZE } from '../../../src/stores/embedded/read-database.js';

describe("the embedded read store's page size", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-page-size-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const file = () => path.join(dir, 'read-models.sqlite');
  const settings = () => {
    const db = openReadDatabase(file());
    try {
      return {
        pageSize: Number(db.pragma('page_size', { simple: true })),
        backstop: Number(db.pragma('wal_autocheckpoint', { simple: true })),
      };
    } finally {
      db.close();
    }
  };

  it('is 16 KiB for a new database, with the checkpoint backstop at 100 MiB of log', () => {
    expect(READ_PAGE_SIZE).toBe(16_384);
    expect(settings()).toEqual({ pageSize: 16_384, backstop: 6_400 });
  });

  it('stays what it was for a database made before, whose documents read and write as ever', async () => {
    const old = new Database(file());
    old.pragma('page_size = 4096');
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE made_before (x)');
    old.close();
    expect(settings()).toEqual({ pageSize: 4_096, backstop: 25_600 });
    const store = await EmbeddedReadStore.open({ dataDir: dir });
    try {
      await store.commit('p', '1', [
        { kind: 'put', collection: 'things', doc: { _id: 'a', n: 1 } },
      ]);
      expect(await store.collection('things').find({ _id: 'a' })).toEqual([{ _id: 'a', n: 1 }]);
    } finally {
      await store.close();
    }
    expect(settings().pageSize).toBe(4_096);
  });
});
