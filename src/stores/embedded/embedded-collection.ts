import { find } from 'mingo';
import {
  ReadStoreLimitError,
  type AggregateOptions,
  type Doc,
  type Filter,
  type FindOptions,
  type ReadCollection,
} from '../read-store.js';
import { runStages, splitPipeline, type Stage } from './aggregate-pipeline.js';
import { groupByElements } from './element-groups.js';
import { InvalidQueryError } from './embedded-errors.js';
import type { ReadConnection } from './read-connection.js';
import { countDocs, selectDocs, type Watchdog } from './select-docs.js';
import { quoteIdentifier, tableName } from './sql-names.js';
import { withinTime } from './within-time.js';

const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

function checkCount(name: string, n: unknown): number | undefined {
  if (n !== undefined && !isCount(n)) throw new InvalidQueryError(`Bad ${name}: ${String(n)}`);
  return n;
}

function checkId(id: unknown): string {
  if (typeof id !== 'string') throw new InvalidQueryError(`A document id is a string`);
  return id;
}

/** One collection; reads run synchronously on the calling thread, each on one snapshot. */
export class EmbeddedCollection<T extends Doc = Doc> implements ReadCollection<T> {
  readonly #connection: ReadConnection;
  readonly #name: string;
  readonly #table: string;

  constructor(connection: ReadConnection, name: string) {
    this.#connection = connection;
    this.#name = name;
    this.#table = quoteIdentifier(tableName(name));
  }

  async get(id: string): Promise<T | undefined> {
    checkId(id);
    const json = this.#read((connection) =>
      connection.statement<string>(`SELECT doc FROM ${this.#table} WHERE id = ?`, true).get(id),
    );
    return json === undefined ? undefined : (JSON.parse(json) as T);
  }

  /** In the order asked for; ids without a document are left out. */
  async getMany(ids: readonly string[]): Promise<Map<string, T>> {
    ids.forEach(checkId);
    const found = new Map<string, T>();
    if (ids.length === 0) return found;
    const sql = `SELECT id, doc FROM ${this.#table} WHERE id IN (SELECT value FROM json_each(?))`;
    const rows = this.#read((connection) =>
      connection.statement<{ id: string; doc: string }>(sql).all(JSON.stringify([...new Set(ids)])),
    );
    const byId = new Map(rows?.map((row) => [row.id, row.doc]));
    for (const id of ids) {
      const json = byId.get(id);
      if (json !== undefined && !found.has(id)) found.set(id, JSON.parse(json) as T);
    }
    return found;
  }

  async find(filter: Filter = {}, options: FindOptions = {}): Promise<T[]> {
    const limit = checkCount('limit', options.limit);
    const skip = checkCount('skip', options.skip) ?? 0;
    if (limit === 0) return [];
    const selection = { filter, skip, ...(options.sort && { sort: options.sort }), limit };
    const docs = this.#connection.read(() => [
      ...selectDocs<T>(this.#connection, this.#collection(), selection),
    ]);
    return options.projection ? (find(docs, {}, { ...options.projection }).all() as T[]) : docs;
  }

  async count(filter: Filter = {}): Promise<number> {
    return this.#connection.read(() => countDocs(this.#connection, this.#collection(), filter));
  }

  async aggregate(
    pipeline: readonly Stage[],
    options: AggregateOptions = {},
  ): Promise<Record<string, unknown>[]> {
    const maxResults = checkCount('maxResults', options.maxResults);
    const watchdog = this.#watchdog(options.maxTimeMs);
    const { selection, rest } = splitPipeline(pipeline);
    return this.#connection.read(() => {
      const groups = groupByElements(this.#connection, this.#collection(), selection, rest[0]);
      if (groups) return runStages(groups, rest.slice(1), maxResults, watchdog);
      const opened: Iterator<unknown>[] = [];
      const docs = selectDocs(this.#connection, this.#collection(), selection, watchdog, (rows) =>
        opened.push(rows),
      );
      const run = () => runStages(docs, rest, maxResults, watchdog);
      try {
        return options.maxTimeMs === undefined
          ? run()
          : withinTime(options.maxTimeMs, run, `Aggregation on ${this.#name}`);
      } finally {
        // Statements first: a generator cut off by the time limit never closes its own.
        for (const rows of opened) rows.return?.();
        try {
          docs.return(undefined);
        } catch {
          // Cut off while running, the generator cannot be resumed to clean up: nothing is left open.
        }
      }
    });
  }

  #watchdog(maxTimeMs: number | undefined): Watchdog | undefined {
    if (maxTimeMs === undefined) return undefined;
    if (!(maxTimeMs >= 0)) throw new InvalidQueryError(`Bad maxTimeMs: ${maxTimeMs}`);
    const deadline = performance.now() + maxTimeMs;
    return () => {
      if (performance.now() > deadline) {
        throw new ReadStoreLimitError(`Query on ${this.#name} ran past ${maxTimeMs} ms`);
      }
    };
  }

  #collection() {
    return this.#connection.registry.get(this.#name);
  }

  /** `query` on one snapshot; undefined when the collection does not exist. */
  #read<R>(query: (connection: ReadConnection) => R): R | undefined {
    return this.#connection.read(() => (this.#collection() ? query(this.#connection) : undefined));
  }
}
