/**
 * The read models' port: collections of JSON documents with the subset of
 * MongoDB's query, update and aggregation language that projections and
 * queries need. Two adapters keep it: MongoDB, and an embedded one (SQLite
 * with mingo for the query semantics).
 */

/** Every document has a string `_id`; projections also keep `_position`, the last event applied. */
export interface Doc {
  readonly _id: string;
  readonly [field: string]: unknown;
}

/** A MongoDB query filter (`{ field: value }`, `$eq`, `$in`, `$gte`, `$and`, …). */
export type Filter = Readonly<Record<string, unknown>>;

/** A MongoDB update document (`$set`, `$inc`, `$push`, …). */
export type Update = Readonly<Record<string, unknown>>;

export type SortSpec = Readonly<Record<string, 1 | -1>>;

export interface FindOptions {
  readonly sort?: SortSpec;
  readonly limit?: number;
  readonly skip?: number;
  /** Inclusion (`{ name: 1 }`) or exclusion (`{ terms: 0 }`) projection. */
  readonly projection?: Readonly<Record<string, 0 | 1>>;
}

export interface AggregateOptions {
  /** Gives up with ReadStoreLimitError past this time. */
  readonly maxTimeMs?: number;
  /** Gives up with ReadStoreLimitError when the result would hold more documents. */
  readonly maxResults?: number;
}

export interface IndexSpec {
  readonly name: string;
  /** Fields in order, ascending (1) or descending (-1); dotted paths reach into documents. */
  readonly keys: Readonly<Record<string, 1 | -1>>;
  readonly unique?: boolean;
}

export type Write =
  /** Stores the document as given (insert or replace). */
  | { readonly kind: 'put'; readonly collection: string; readonly doc: Doc }
  /** Applies update operators; `upsert` creates the document when absent. */
  | {
      readonly kind: 'update';
      readonly collection: string;
      readonly id: string;
      readonly update: Update;
      readonly upsert?: boolean;
    }
  | { readonly kind: 'delete'; readonly collection: string; readonly id: string };

export interface ReadCollection<T extends Doc = Doc> {
  get(id: string): Promise<T | undefined>;
  getMany(ids: readonly string[]): Promise<Map<string, T>>;
  find(filter?: Filter, options?: FindOptions): Promise<T[]>;
  count(filter?: Filter): Promise<number>;
  aggregate(
    pipeline: readonly Readonly<Record<string, unknown>>[],
    options?: AggregateOptions,
  ): Promise<Record<string, unknown>[]>;
}

export interface Lease {
  readonly name: string;
  readonly holder: string;
  readonly expiresAt: number;
}

export interface ReadStore {
  collection<T extends Doc = Doc>(name: string): ReadCollection<T>;
  /** Creates the indexes if they do not exist (idempotent; called on start). */
  ensureIndexes(collection: string, indexes: readonly IndexSpec[]): Promise<void>;
  /** The position a projection has applied up to, if any. */
  checkpoint(projection: string): Promise<string | undefined>;
  /**
   * Applies the writes and moves the projection's checkpoint to `position`,
   * together: after a crash either both happened or neither did (MongoDB
   * without transactions: writes are idempotent and the checkpoint follows them).
   */
  commit(projection: string, position: string | undefined, writes: readonly Write[]): Promise<void>;
  /**
   * Takes or renews the lease named `name` for `holder` until now + ttlMs.
   * False when another holder's lease has not expired.
   */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
  /** Removes a collection and its indexes. */
  dropCollection(name: string): Promise<void>;
  /** Replaces `to` with `from` in one step (shadow rebuilds); indexes go along. */
  renameCollection(from: string, to: string): Promise<void>;
  listCollections(): Promise<string[]>;
  close(): Promise<void>;
}

export class ReadStoreLimitError extends Error {
  readonly code = 'QUERY_LIMIT_EXCEEDED';
  constructor(message: string) {
    super(message);
    this.name = 'ReadStoreLimitError';
  }
}

/** A query an adapter will not run (a bad name, limit or path, or a stage that writes). */
export class InvalidQueryError extends Error {
  readonly code = 'INVALID_QUERY';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidQueryError';
  }
}

/** A write an adapter refuses before applying anything; the whole batch is rolled back. */
export class InvalidWriteError extends Error {
  readonly code = 'INVALID_WRITE';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidWriteError';
  }
}
