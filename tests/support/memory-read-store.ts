import { aggregate, find, update } from 'mingo';
import {
  ReadStoreLimitError,
  type AggregateOptions,
  type Doc,
  type Filter,
  type FindOptions,
  type IndexSpec,
  type Lease,
  type ReadCollection,
  type ReadStore,
  type Write,
} from '../../src/stores/read-store.js';

type Documents = Map<string, Doc>;

const clone = <T>(value: T): T => structuredClone(value);

/**
 * A ReadStore test double in plain Maps with the port's semantics: a commit
 * applies its writes and the checkpoint together or not at all, documents
 * cross the port as copies, and leases expire by Date.now().
 */
export class MemoryReadStore implements ReadStore {
  private readonly collections = new Map<string, Documents>();
  private readonly indexes = new Map<string, IndexSpec[]>();
  private readonly checkpoints = new Map<string, string>();
  private readonly leases = new Map<string, Lease>();

  collection<T extends Doc = Doc>(name: string): ReadCollection<T> {
    const docs = () => [...(this.collections.get(name)?.values() ?? [])].map(clone) as T[];
    return {
      get: async (id) => clone(this.collections.get(name)?.get(id)) as T | undefined,
      getMany: async (ids) => {
        const found = new Map<string, T>();
        for (const id of ids) {
          const doc = this.collections.get(name)?.get(id);
          if (doc) found.set(id, clone(doc) as T);
        }
        return found;
      },
      find: async (filter: Filter = {}, options: FindOptions = {}) => {
        let cursor = find<Record<string, unknown>>(docs(), filter, options.projection);
        if (options.sort) cursor = cursor.sort(options.sort);
        if (options.skip) cursor = cursor.skip(options.skip);
        if (options.limit !== undefined) cursor = cursor.limit(options.limit);
        return cursor.all() as T[];
      },
      count: async (filter: Filter = {}) => find(docs(), filter).all().length,
      aggregate: async (pipeline, options: AggregateOptions = {}) => {
        const rows = aggregate(docs(), pipeline as Record<string, unknown>[]);
        if (options.maxResults !== undefined && rows.length > options.maxResults)
          throw new ReadStoreLimitError(`More than ${options.maxResults} results`);
        return rows as Record<string, unknown>[];
      },
    };
  }

  async ensureIndexes(collection: string, indexes: readonly IndexSpec[]): Promise<void> {
    const known = this.indexes.get(collection) ?? [];
    for (const index of indexes) if (!known.some((k) => k.name === index.name)) known.push(index);
    this.indexes.set(collection, known);
    if (!this.collections.has(collection)) this.collections.set(collection, new Map());
  }

  async checkpoint(projection: string): Promise<string | undefined> {
    return this.checkpoints.get(projection);
  }

  async commit(
    projection: string,
    position: string | undefined,
    writes: readonly Write[],
  ): Promise<void> {
    const staged = new Map<string, Documents>();
    const target = (name: string): Documents => {
      let docs = staged.get(name);
      if (!docs) staged.set(name, (docs = new Map(this.collections.get(name))));
      return docs;
    };
    for (const write of writes) {
      const docs = target(write.collection);
      if (write.kind === 'put') docs.set(write.doc._id, clone(write.doc));
      else if (write.kind === 'delete') docs.delete(write.id);
      else {
        const existing = docs.get(write.id);
        if (!existing && !write.upsert) continue;
        const doc: Record<string, unknown> = clone(existing) ?? { _id: write.id };
        update(doc, write.update);
        docs.set(write.id, doc as Doc);
      }
    }
    for (const [name, docs] of staged) this.collections.set(name, docs);
    if (position !== undefined) this.checkpoints.set(projection, position);
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const current = this.leases.get(name);
    if (current && current.holder !== holder && current.expiresAt > now) return false;
    this.leases.set(name, { name, holder, expiresAt: now + ttlMs });
    return true;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    if (this.leases.get(name)?.holder === holder) this.leases.delete(name);
  }

  async dropCollection(name: string): Promise<void> {
    this.collections.delete(name);
    this.indexes.delete(name);
  }

  async renameCollection(from: string, to: string): Promise<void> {
    this.collections.set(to, this.collections.get(from) ?? new Map());
    this.indexes.set(to, this.indexes.get(from) ?? []);
    this.collections.delete(from);
    this.indexes.delete(from);
  }

  async listCollections(): Promise<string[]> {
    return [...this.collections.keys()].sort();
  }

  async close(): Promise<void> {}
}

export interface CommitRecord {
  readonly projection: string;
  readonly position: string | undefined;
  readonly writes: readonly Write[];
}

/**
 * Wraps a ReadStore to script failures: commits that throw (before or after
 * the writes land), a partition that fails every call, and a hook that sees
 * each commit before it runs. Records the commits that succeeded.
 */
export class ScriptedReadStore implements ReadStore {
  readonly commits: CommitRecord[] = [];
  /** Commits that throw before touching the store. */
  failCommits = 0;
  /** Commits whose writes land but whose checkpoint does not (a crash in between). */
  tearCommits = 0;
  /** Every call fails (a process cut off from its store, or dead). */
  partitioned = false;
  /** Lease calls fail (cut off from whatever keeps the leases). */
  failLeases = false;
  beforeCommit: ((record: CommitRecord) => void | Promise<void>) | undefined;

  constructor(readonly inner: ReadStore) {}

  private check(): void {
    if (this.partitioned) throw new Error('read store unreachable');
  }

  collection<T extends Doc = Doc>(name: string): ReadCollection<T> {
    const inner = this.inner.collection<T>(name);
    const guard =
      <A extends unknown[], R>(f: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        this.check();
        return f(...args);
      };
    return {
      get: guard((id) => inner.get(id)),
      getMany: guard((ids) => inner.getMany(ids)),
      find: guard((filter, options) => inner.find(filter, options)),
      count: guard((filter) => inner.count(filter)),
      aggregate: guard((pipeline, options) => inner.aggregate(pipeline, options)),
    };
  }

  async ensureIndexes(collection: string, indexes: readonly IndexSpec[]): Promise<void> {
    this.check();
    return this.inner.ensureIndexes(collection, indexes);
  }

  async checkpoint(projection: string): Promise<string | undefined> {
    this.check();
    return this.inner.checkpoint(projection);
  }

  async commit(
    projection: string,
    position: string | undefined,
    writes: readonly Write[],
  ): Promise<void> {
    this.check();
    await this.beforeCommit?.({ projection, position, writes });
    this.check();
    if (this.failCommits > 0) {
      this.failCommits--;
      throw new Error('commit failed (scripted)');
    }
    if (this.tearCommits > 0) {
      this.tearCommits--;
      await this.inner.commit(projection, undefined, writes);
      throw new Error('crashed after the writes, before the checkpoint (scripted)');
    }
    await this.inner.commit(projection, position, writes);
    this.commits.push({ projection, position, writes });
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    this.check();
    if (this.failLeases) throw new Error('lease store unreachable (scripted)');
    return this.inner.acquireLease(name, holder, ttlMs);
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    this.check();
    return this.inner.releaseLease(name, holder);
  }

  async dropCollection(name: string): Promise<void> {
    this.check();
    return this.inner.dropCollection(name);
  }

  async renameCollection(from: string, to: string): Promise<void> {
    this.check();
    return this.inner.renameCollection(from, to);
  }

  async listCollections(): Promise<string[]> {
    this.check();
    return this.inner.listCollections();
  }

  async close(): Promise<void> {
    return this.inner.close();
  }
}
