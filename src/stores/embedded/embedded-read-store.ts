import path from 'node:path';
import type { Doc, IndexSpec, ReadCollection, ReadStore, Write } from '../read-store.js';
import { applyWrites } from './apply-writes.js';
import { EmbeddedCollection } from './embedded-collection.js';
import { ReadConnection } from './read-connection.js';
import { openReadDatabase } from './read-database.js';
import { checkName } from './sql-names.js';
import { WalCheckpointer } from './wal-checkpointer.js';

export interface EmbeddedReadStoreOptions {
  /** Directory holding `read-models.sqlite`. */
  readonly dataDir: string;
  /** How long a write waits for another connection's (10 s by default). */
  readonly busyTimeoutMs?: number;
  /** The most page cache the connection keeps, in MiB (see openReadDatabase). */
  readonly cacheMiB?: number;
}

/**
 * The embedded read store: one SQLite file, a table per collection, mingo for
 * MongoDB's query, update and aggregation semantics, and declared indexes as
 * SQLite indexes on key columns the planner walks (see key-columns.ts and
 * index-planner.ts). Its log is checkpointed on a worker thread.
 */
export class EmbeddedReadStore implements ReadStore {
  readonly #connection: ReadConnection;
  readonly #checkpointer: WalCheckpointer;

  private constructor(connection: ReadConnection, checkpointer: WalCheckpointer) {
    this.#connection = connection;
    this.#checkpointer = checkpointer;
  }

  static async open(options: EmbeddedReadStoreOptions): Promise<EmbeddedReadStore> {
    const file = path.join(options.dataDir, 'read-models.sqlite');
    const db = openReadDatabase(file, options);
    const checkpointer = new WalCheckpointer(file);
    const connection = new ReadConnection(db, () => checkpointer.committed());
    return new EmbeddedReadStore(connection, checkpointer);
  }

  collection<T extends Doc = Doc>(name: string): ReadCollection<T> {
    return new EmbeddedCollection<T>(this.#connection, checkName('collection', name));
  }

  async ensureIndexes(collection: string, indexes: readonly IndexSpec[]): Promise<void> {
    checkName('collection', collection);
    indexes.forEach((index) => checkName('index', index.name));
    this.#connection.write(() => this.#connection.registry.addIndexes(collection, indexes));
  }

  async checkpoint(projection: string): Promise<string | undefined> {
    return this.#connection
      .statement<string>('SELECT position FROM checkpoints WHERE projection = ?', true)
      .get(projection);
  }

  async commit(
    projection: string,
    position: string | undefined,
    writes: readonly Write[],
  ): Promise<void> {
    this.#connection.write(() => {
      applyWrites(this.#connection, writes);
      if (position !== undefined) {
        this.#connection
          .statement(
            'INSERT INTO checkpoints (projection, position) VALUES (?, ?) ' +
              'ON CONFLICT (projection) DO UPDATE SET position = excluded.position',
          )
          .run(projection, position);
      }
    });
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    if (!Number.isFinite(ttlMs) || ttlMs < 0) {
      throw new RangeError(`A lease's time to live must be a non-negative number, not ${ttlMs}`);
    }
    const now = Date.now();
    const { changes } = this.#connection
      .statement(
        'INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) ' +
          'ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at ' +
          'WHERE leases.holder = excluded.holder OR leases.expires_at <= ?',
      )
      .run(name, holder, now + ttlMs, now);
    return changes === 1;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    this.#connection
      .statement('DELETE FROM leases WHERE name = ? AND holder = ?')
      .run(name, holder);
  }

  async dropCollection(name: string): Promise<void> {
    checkName('collection', name);
    this.#connection.write(() => this.#connection.registry.drop(name));
  }

  async renameCollection(from: string, to: string): Promise<void> {
    checkName('collection', from);
    checkName('collection', to);
    this.#connection.write(() => this.#connection.registry.rename(from, to));
  }

  async listCollections(): Promise<string[]> {
    return this.#connection.read(() => this.#connection.registry.names());
  }

  async close(): Promise<void> {
    await this.#checkpointer.close();
    this.#connection.close();
  }
}
