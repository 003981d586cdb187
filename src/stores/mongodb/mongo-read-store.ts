import { MongoClient, type Db, type MongoClientOptions } from 'mongodb';
import type { Doc, IndexSpec, ReadCollection, ReadStore, Write } from '../read-store.js';
import {
  CHECKPOINTS_COLLECTION,
  LEASES_COLLECTION,
  assertUserCollection,
  listUserCollections,
  renameOver,
  toIndexDescriptions,
} from './mongo-collections.js';
import {
  commitInOrder,
  commitInTransaction,
  detectTransactions,
  type CheckpointDoc,
  type CommitPlan,
} from './mongo-commit.js';
import { DEFAULT_DATABASE, databaseFromUrl } from './mongo-connection.js';
import { isTransactionUnsupported } from './mongo-errors.js';
import { acquireLease, leaseClaim, releaseLease, type LeaseDoc } from './mongo-leases.js';
import { MongoReadCollection } from './mongo-read-collection.js';
import { toCollectionBatches, type StoredDoc } from './mongo-writes.js';

export interface MongoReadStoreOptions {
  /** Overrides the connection string's database (itself defaulting to `commerce`). */
  readonly database?: string;
  /** Whether commits use transactions; by default asked of the server once (`hello`). */
  readonly transactions?: boolean;
  /** Lease expiry clock (ms since the epoch). */
  readonly now?: () => number;
  readonly clientOptions?: MongoClientOptions;
}

/** The read store port on MongoDB: a replica set or sharded cluster, or a standalone server. */
export class MongoReadStore implements ReadStore {
  readonly #client: MongoClient;
  readonly #db: Db;
  readonly #now: () => number;
  #transactions: Promise<boolean> | undefined;
  #closed = false;

  constructor(
    client: MongoClient,
    database: string,
    options: Pick<MongoReadStoreOptions, 'transactions' | 'now'> = {},
  ) {
    this.#client = client;
    this.#db = client.db(database);
    this.#now = options.now ?? Date.now;
    if (options.transactions !== undefined) {
      this.#transactions = Promise.resolve(options.transactions);
    }
  }

  /** Connects (so a wrong address or credentials fail here, not on the first query). */
  static async connect(url: string, options: MongoReadStoreOptions = {}): Promise<MongoReadStore> {
    const database = options.database ?? databaseFromUrl(url) ?? DEFAULT_DATABASE;
    const client = new MongoClient(url, options.clientOptions);
    try {
      await client.connect();
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
    return new MongoReadStore(client, database, options);
  }

  collection<T extends Doc = Doc>(name: string): ReadCollection<T> {
    assertUserCollection(name);
    return new MongoReadCollection<T>(this.#db.collection<StoredDoc>(name));
  }

  async ensureIndexes(collection: string, indexes: readonly IndexSpec[]): Promise<void> {
    assertUserCollection(collection);
    if (indexes.length === 0) return;
    await this.#db.collection(collection).createIndexes(toIndexDescriptions(indexes));
  }

  async checkpoint(projection: string): Promise<string | undefined> {
    const found = await this.#db
      .collection<CheckpointDoc>(CHECKPOINTS_COLLECTION)
      .findOne({ _id: projection });
    return found?.position;
  }

  /** Validates every write before sending any; see commitInOrder for the standalone case. */
  async commit(
    projection: string,
    position: string | undefined,
    writes: readonly Write[],
  ): Promise<void> {
    const plan: CommitPlan = { projection, position, batches: toCollectionBatches(writes) };
    if (plan.batches.length === 0 && position === undefined) return;
    if (await this.#usesTransactions()) {
      try {
        await commitInTransaction(this.#client, this.#db, plan);
        return;
      } catch (error) {
        // Refused before anything was applied: a standalone after all.
        if (!isTransactionUnsupported(error)) throw error;
        this.#transactions = Promise.resolve(false);
      }
    }
    await commitInOrder(this.#db, plan);
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return acquireLease(this.#leases(), leaseClaim(name, holder, ttlMs, this.#now()));
  }

  releaseLease(name: string, holder: string): Promise<void> {
    return releaseLease(this.#leases(), name, holder);
  }

  async dropCollection(name: string): Promise<void> {
    assertUserCollection(name);
    await this.#db.dropCollection(name);
  }

  async renameCollection(from: string, to: string): Promise<void> {
    assertUserCollection(from);
    assertUserCollection(to);
    await renameOver(this.#db, from, to);
  }

  listCollections(): Promise<string[]> {
    return listUserCollections(this.#db);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.close();
  }

  #leases() {
    return this.#db.collection<LeaseDoc>(LEASES_COLLECTION);
  }

  /** Asked once; a failed question is asked again on the next commit. */
  #usesTransactions(): Promise<boolean> {
    this.#transactions ??= detectTransactions(this.#db).catch((error: unknown) => {
      this.#transactions = undefined;
      throw error;
    });
    return this.#transactions;
  }
}
