import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedReadStore } from '../../src/stores/embedded/embedded-read-store.js';
import { describeReadStoreContract } from './read-store-contract.js';

const dirs = new Map<object, string>();

describeReadStoreContract('embedded SQLite', {
  async open() {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-contract-'));
    const store = await EmbeddedReadStore.open({ dataDir });
    dirs.set(store, dataDir);
    return store;
  },
  async dispose(store) {
    await store.close();
    fs.rmSync(dirs.get(store) ?? '', { recursive: true, force: true });
  },
});
