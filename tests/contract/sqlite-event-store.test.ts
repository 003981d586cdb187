import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteEventStore } from '../../src/stores/sqlite/sqlite-event-store.js';
import { describeEventStoreContract } from './event-store-contract.js';

const dirs = new Map<object, string>();

describeEventStoreContract('embedded SQLite', {
  async open() {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'es-contract-'));
    const store = await SqliteEventStore.open({ dataDir });
    dirs.set(store, dataDir);
    return store;
  },
  async dispose(store) {
    await store.close();
    fs.rmSync(dirs.get(store) ?? '', { recursive: true, force: true });
  },
});
