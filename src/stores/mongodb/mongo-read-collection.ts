import type { Collection, Filter as MongoFilter } from 'mongodb';
import {
  ReadStoreLimitError,
  type AggregateOptions,
  type Doc,
  type Filter,
  type FindOptions,
  type ReadCollection,
} from '../read-store.js';
import { mapReadError } from './mongo-errors.js';
import type { StoredDoc } from './mongo-writes.js';
import { boundedPipeline, toAggregateOptions, toFindOptions } from './mongo-queries.js';

/** One read-model collection; documents come back as stored. */
export class MongoReadCollection<T extends Doc = Doc> implements ReadCollection<T> {
  readonly #collection: Collection<StoredDoc>;

  constructor(collection: Collection<StoredDoc>) {
    this.#collection = collection;
  }

  get(id: string): Promise<T | undefined> {
    return this.#read(
      async () => ((await this.#collection.findOne({ _id: id })) ?? undefined) as T | undefined,
    );
  }

  /** In the order asked for; ids without a document are left out. */
  async getMany(ids: readonly string[]): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    if (ids.length === 0) return found;
    const docs = await this.find({ _id: { $in: [...new Set(ids)] } });
    const byId = new Map(docs.map((doc) => [doc._id, doc]));
    for (const id of ids) {
      const doc = byId.get(id);
      if (doc) found.set(id, doc);
    }
    return found;
  }

  async find(filter: Filter = {}, options: FindOptions = {}): Promise<T[]> {
    const findOptions = toFindOptions(options);
    if (!findOptions) return [];
    return this.#read(
      async () => (await this.#collection.find(mongoFilter(filter), findOptions).toArray()) as T[],
    );
  }

  count(filter: Filter = {}): Promise<number> {
    return this.#read(() => this.#collection.countDocuments(mongoFilter(filter)));
  }

  async aggregate(
    pipeline: readonly Readonly<Record<string, unknown>>[],
    options: AggregateOptions = {},
  ): Promise<Record<string, unknown>[]> {
    const { maxResults } = options;
    const stages = boundedPipeline(pipeline, maxResults);
    const rows = await this.#read(() =>
      this.#collection.aggregate(stages, toAggregateOptions(options)).toArray(),
    );
    if (maxResults !== undefined && rows.length > maxResults) {
      throw new ReadStoreLimitError(
        `Aggregation on ${this.#collection.collectionName} returns more than ${maxResults} rows`,
      );
    }
    return rows;
  }

  async #read<R>(query: () => Promise<R>): Promise<R> {
    try {
      return await query();
    } catch (error) {
      throw mapReadError(error, this.#collection.collectionName);
    }
  }
}

/** The port's filters are MongoDB's own; only the driver's static type differs. */
const mongoFilter = (filter: Filter) => filter as MongoFilter<StoredDoc>;
