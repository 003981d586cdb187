import type { Statement } from 'better-sqlite3';
import type { ReadDatabase } from './read-database.js';
import { Registry } from './registry.js';

const MAX_CACHED_STATEMENTS = 500;

/**
 * One connection to the read-model database with its registry view and a
 * cache of prepared statements (queries are generated, so preparing each
 * again would cost more than running it).
 */
export class ReadConnection {
  readonly registry: Registry;
  readonly #db: ReadDatabase;
  readonly #statements = new Map<string, Statement>();
  readonly #inTransaction: (work: () => unknown) => unknown;
  readonly #immediate: (work: () => unknown) => unknown;

  readonly #onCommit: () => void;

  /** `onCommit` runs after each committed write. */
  constructor(db: ReadDatabase, onCommit: () => void = () => undefined) {
    this.#db = db;
    this.#onCommit = onCommit;
    this.registry = new Registry(db, () => this.#statements.clear());
    const transaction = db.transaction((work: () => unknown) => {
      this.registry.sync();
      return work();
    });
    this.#inTransaction = transaction;
    this.#immediate = transaction.immediate;
  }

  /** A statement for generated SQL; `pluck` ones return their first column. */
  statement<R = unknown>(sql: string, pluck = false): Statement<unknown[], R> {
    const key = `${pluck ? 'p' : 'r'}${sql}`;
    let statement = this.#statements.get(key);
    if (!statement) {
      if (this.#statements.size >= MAX_CACHED_STATEMENTS) this.#statements.clear();
      statement = this.#db.prepare(sql);
      if (pluck) statement.pluck();
      this.#statements.set(key, statement);
    }
    return statement as Statement<unknown[], R>;
  }

  /** Runs `work` on one snapshot of the database, with the registry current. */
  read<R>(work: () => R): R {
    return this.#inTransaction(work) as R;
  }

  /** Runs `work` holding the write lock (BEGIN IMMEDIATE): all of it commits or none. */
  write<R>(work: () => R): R {
    let result: R;
    try {
      result = this.#immediate(work) as R;
    } catch (error) {
      this.registry.invalidate();
      throw error;
    }
    this.#onCommit();
    return result;
  }

  get open(): boolean {
    return this.#db.open;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
