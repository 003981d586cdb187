import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteEventStore } from '../../src/stores/sqlite/sqlite-event-store.js';

export interface TempStore {
  readonly store: SqliteEventStore;
  readonly dataDir: string;
  reopen(): Promise<SqliteEventStore>;
  cleanup(): Promise<void>;
}

/** An embedded event store in a fresh temp directory. */
export async function openTempStore(): Promise<TempStore> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'commerce-test-'));
  const opened: SqliteEventStore[] = [await SqliteEventStore.open({ dataDir })];
  return {
    get store() {
      return opened[opened.length - 1]!;
    },
    dataDir,
    async reopen() {
      await opened[opened.length - 1]?.close();
      const store = await SqliteEventStore.open({ dataDir });
      opened.push(store);
      return store;
    },
    async cleanup() {
      await opened[opened.length - 1]?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
