import path from 'node:path';
import type { ReadStore } from './read-store.js';

export interface OpenedReadStore {
  readonly readStore: ReadStore;
  /** Where the read models live, for logs (no credentials). */
  readonly description: string;
}

/** MongoDB when a URL is configured, otherwise the embedded store in the data directory. */
export async function openReadStore(options: {
  readonly mongoUrl: string | undefined;
  readonly dataDir: string;
  /** Embedded only: how long a write waits for another connection's. */
  readonly busyTimeoutMs?: number;
  /** Embedded only: each connection's page cache, in MiB. */
  readonly readCacheMiB?: number | undefined;
}): Promise<OpenedReadStore> {
  if (options.mongoUrl) {
    const { MongoReadStore } = await import('./mongodb/mongo-read-store.js');
    return {
      readStore: await MongoReadStore.connect(options.mongoUrl),
      description: `MongoDB at ${options.mongoUrl.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')}`,
    };
  }
  const { EmbeddedReadStore } = await import('./embedded/embedded-read-store.js');
  return {
    readStore: await EmbeddedReadStore.open({
      dataDir: options.dataDir,
      ...(options.busyTimeoutMs !== undefined && { busyTimeoutMs: options.busyTimeoutMs }),
      ...(options.readCacheMiB !== undefined && { cacheMiB: options.readCacheMiB }),
    }),
    description: `embedded SQLite at ${path.join(options.dataDir, 'read-models.sqlite')}`,
  };
}
