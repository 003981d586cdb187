import type { Statement } from 'better-sqlite3';
import type { IndexSpec } from '../read-store.js';
import { InvalidQueryError, isConstraintError } from './embedded-errors.js';
import { elementColumn, elementRows, elementTable } from './element-index.js';
import { jsonPath, keyExpression, pathSegments } from './index-keys.js';
import type { IndexKey, PlannableIndex } from './index-planner.js';
import { keyColumn, keyColumnsOf, type KeyColumn } from './key-columns.js';
import type { ReadDatabase } from './read-database.js';
import { indexSqlName, quoteIdentifier, sqlString, tableName } from './sql-names.js';

export interface RegisteredIndex extends PlannableIndex {
  readonly sqlName: string;
  readonly unique: boolean;
}

/** `multikey` in read_indexes: scalar keys only, unusable, or kept as an element index. */
const SCALAR = 0;
const UNUSABLE = 1;
const ELEMENTS = 2;

export interface RegisteredCollection {
  readonly name: string;
  readonly table: string;
  readonly indexes: readonly RegisteredIndex[];
  /** The key columns writes keep: those of the indexes in use (a stale index's may be missing). */
  readonly keyColumns: readonly KeyColumn[];
}

interface IndexRow {
  collection: string;
  name: string;
  sql_name: string;
  keys: string;
  is_unique: number;
  multikey: number;
}

/**
 * This connection's view of the collections and their indexes. Every change
 * bumps `registry_version`; `sync` (at the start of each transaction) reloads
 * when any connection has changed it. The mutators run inside a write
 * transaction after `sync`.
 */
export class Registry {
  #version = -1;
  #collections = new Map<string, RegisteredCollection>();
  readonly #db: ReadDatabase;
  readonly #onReload: () => void;
  readonly #readVersion: Statement<[], number>;
  readonly #bump: Statement<[], number>;

  constructor(db: ReadDatabase, onReload: () => void) {
    this.#db = db;
    this.#onReload = onReload;
    this.#readVersion = db
      .prepare<[], number>("SELECT value FROM read_meta WHERE key = 'registry_version'")
      .pluck();
    this.#bump = db
      .prepare<[], number>(
        "UPDATE read_meta SET value = value + 1 WHERE key = 'registry_version' RETURNING value",
      )
      .pluck();
  }

  sync(): void {
    const version = this.#readVersion.get();
    if (version !== this.#version) this.#reload(version ?? 0);
  }

  /** Forgets the view (after a rolled-back change), so the next `sync` reloads. */
  invalidate(): void {
    this.#version = -1;
  }

  get(name: string): RegisteredCollection | undefined {
    return this.#collections.get(name);
  }

  names(): string[] {
    return [...this.#collections.keys()].sort();
  }

  create(name: string): RegisteredCollection {
    const table = quoteIdentifier(tableName(name));
    this.#db.exec(`CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
    this.#db.prepare('INSERT OR IGNORE INTO read_collections (name) VALUES (?)').run(name);
    this.#changed();
    return this.#collections.get(name)!;
  }

  /** Creates the indexes not yet declared; one declared with other keys is an error, as in MongoDB. */
  addIndexes(name: string, specs: readonly IndexSpec[]): void {
    const collection = this.#collections.get(name) ?? this.create(name);
    const known = new Map(collection.indexes.map((index) => [index.name, index]));
    let added = false;
    for (const spec of specs) {
      const index = { keys: indexKeys(spec), unique: spec.unique ?? false };
      const existing = known.get(spec.name);
      if (existing && !sameIndex(existing, index)) {
        throw new InvalidQueryError(`Index ${spec.name} on ${name} exists with other keys`);
      }
      if (existing && !existing.stale) continue;
      if (existing) this.#dropIndex(collection.name, existing);
      const sqlName = this.#createIndex(collection, spec.name, index);
      known.set(spec.name, { name: spec.name, sqlName, ...index, multikey: false, stale: false });
      added = true;
    }
    if (added) this.#changed();
  }

  /** Some document has arrays the index cannot stand for: the planner leaves it from now on. */
  markMultikey(collection: string, index: RegisteredIndex): void {
    this.#db.exec(`DROP TABLE IF EXISTS ${quoteIdentifier(elementTable(index.sqlName))}`);
    this.#setMode(collection, index.name, UNUSABLE);
    this.#changed();
  }

  /**
   * Turns a scalar index into an element index (its first key's arrays seen):
   * builds the side table from the collection's documents, or marks the
   * index unusable when some document does not fit one.
   */
  useElements(collection: RegisteredCollection, index: RegisteredIndex): void {
    this.#setMode(collection.name, index.name, this.#buildElements(collection.table, index));
    this.#changed();
  }

  #setMode(collection: string, index: string, mode: number): void {
    this.#db
      .prepare('UPDATE read_indexes SET multikey = ? WHERE collection = ? AND name = ?')
      .run(mode, collection, index);
  }

  #buildElements(
    table: string,
    index: Pick<RegisteredIndex, 'sqlName' | 'keys' | 'unique'>,
  ): number {
    if (index.unique || index.keys[0]?.path === '_id') return UNUSABLE;
    const side = quoteIdentifier(elementTable(index.sqlName));
    const columns = index.keys.map((_, i) => elementColumn(i));
    this.#db.exec(`DROP TABLE IF EXISTS ${side}`);
    this.#db.exec(
      `CREATE TABLE ${side} (${columns.join(', ')}, id TEXT NOT NULL, PRIMARY KEY (e, id)) WITHOUT ROWID`,
    );
    const insert = this.#db.prepare(
      `INSERT INTO ${side} VALUES (${[...columns, 'id'].map(() => '?').join(', ')})`,
    );
    // In batches: SQLite cannot write while a statement over the table is open.
    const batch = this.#db
      .prepare<[string], [string, string]>(
        `SELECT id, doc FROM ${quoteIdentifier(table)} WHERE id > ? ORDER BY id LIMIT 1000`,
      )
      .raw();
    for (let docs = batch.all(''); docs.length > 0; docs = batch.all(docs[docs.length - 1]![0])) {
      for (const [id, json] of docs) {
        const rows = elementRows(JSON.parse(json), index.keys);
        if (!rows) {
          this.#db.exec(`DROP TABLE ${side}`);
          return UNUSABLE;
        }
        for (const element of rows.elements) insert.run(element, ...rows.others, id);
      }
    }
    if (columns.length > 1) {
      // Covering the other keys: counts and groupings by them read this index in key order.
      this.#db.exec(
        `CREATE INDEX ${quoteIdentifier(`${elementTable(index.sqlName)}.keys`)} ON ${side} (${columns.join(', ')})`,
      );
    }
    return ELEMENTS;
  }

  drop(name: string): void {
    if (!this.#dropQuietly(name)) return;
    this.#changed();
  }

  rename(from: string, to: string): void {
    if (!this.#collections.has(from)) {
      throw new InvalidQueryError(`Cannot rename ${from}: no such collection`);
    }
    if (from === to) return;
    this.#dropQuietly(to);
    this.#db.exec(
      `ALTER TABLE ${quoteIdentifier(tableName(from))} RENAME TO ${quoteIdentifier(tableName(to))}`,
    );
    this.#db.prepare('UPDATE read_collections SET name = ? WHERE name = ?').run(to, from);
    this.#db.prepare('UPDATE read_indexes SET collection = ? WHERE collection = ?').run(to, from);
    this.#changed();
  }

  #dropQuietly(name: string): boolean {
    if (!this.#collections.has(name)) return false;
    this.#db.exec(`DROP TABLE IF EXISTS ${quoteIdentifier(tableName(name))}`);
    for (const index of this.#collections.get(name)?.indexes ?? []) {
      this.#db.exec(`DROP TABLE IF EXISTS ${quoteIdentifier(elementTable(index.sqlName))}`);
    }
    this.#db.prepare('DELETE FROM read_collections WHERE name = ?').run(name);
    this.#db.prepare('DELETE FROM read_indexes WHERE collection = ?').run(name);
    return true;
  }

  #dropIndex(collection: string, index: RegisteredIndex): void {
    this.#db.exec(`DROP INDEX IF EXISTS ${quoteIdentifier(index.sqlName)}`);
    this.#db.exec(`DROP TABLE IF EXISTS ${quoteIdentifier(elementTable(index.sqlName))}`);
    this.#db
      .prepare('DELETE FROM read_indexes WHERE collection = ? AND name = ?')
      .run(collection, index.name);
  }

  #createIndex(
    collection: RegisteredCollection,
    name: string,
    { keys, unique }: { keys: readonly IndexKey[]; unique: boolean },
  ): string {
    const taken = this.#db.prepare<[string], number>('SELECT 1 FROM sqlite_master WHERE name = ?');
    let attempt = 0;
    while (taken.get(indexSqlName(collection.table, name, attempt))) attempt++;
    const sqlName = indexSqlName(collection.table, name, attempt);
    this.#fillKeyColumns(collection.table, keys);
    try {
      this.#db.exec(
        `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${quoteIdentifier(sqlName)} ` +
          `ON ${quoteIdentifier(collection.table)} ${indexColumns(keys)}`,
      );
    } catch (error) {
      if (!isConstraintError(error)) throw error;
      throw new InvalidQueryError(`Index ${name} on ${collection.name}: ${String(error)}`);
    }
    const hasArrays = this.#db
      .prepare<[], number>(
        `SELECT EXISTS (SELECT 1 FROM ${quoteIdentifier(collection.table)} WHERE ${arrayTest(keys)})`,
      )
      .pluck()
      .get();
    const mode = hasArrays
      ? this.#buildElements(collection.table, { sqlName, keys, unique })
      : SCALAR;
    this.#db
      .prepare('INSERT INTO read_indexes VALUES (?, ?, ?, ?, ?, ?)')
      .run(
        collection.name,
        name,
        sqlName,
        JSON.stringify(keys.map((k) => [k.path, k.direction])),
        unique ? 1 : 0,
        mode,
      );
    return sqlName;
  }

  /**
   * Adds the key columns the index needs and sets them from every stored
   * document (a column left from an index dropped earlier may be stale, so
   * each is set again).
   */
  #fillKeyColumns(table: string, keys: readonly IndexKey[]): void {
    const columns = keyColumnsOf(keys.map((key) => key.path));
    if (columns.length === 0) return;
    const existing = new Set(
      this.#db
        .prepare<[string], string>('SELECT name FROM pragma_table_info(?)')
        .pluck()
        .all(table)
        .map((name) => quoteIdentifier(name)),
    );
    const quoted = quoteIdentifier(table);
    for (const { column } of columns) {
      if (!existing.has(column)) this.#db.exec(`ALTER TABLE ${quoted} ADD COLUMN ${column}`);
    }
    const sets = columns.map((c) => `${c.column} = ${keyExpression(c.path)}`);
    this.#db.exec(`UPDATE ${quoted} SET ${sets.join(', ')}`);
  }

  #changed(): void {
    this.#reload(this.#bump.get() ?? 0);
  }

  #reload(version: number): void {
    const indexes = this.#db
      .prepare<[], IndexRow>('SELECT * FROM read_indexes ORDER BY collection, name')
      .all();
    const names = this.#db.prepare<[], string>('SELECT name FROM read_collections').pluck().all();
    const definitions = new Map(
      this.#db
        .prepare<[], [string, string]>("SELECT name, sql FROM sqlite_master WHERE type = 'index'")
        .raw()
        .all(),
    );
    this.#collections = new Map(
      names.map((name) => {
        const own = indexes
          .filter((row) => row.collection === name)
          .map((row) => toIndex(row, definitions.get(row.sql_name)));
        const paths = own.filter((i) => !i.stale).flatMap((i) => i.keys.map((k) => k.path));
        return [
          name,
          { name, table: tableName(name), indexes: own, keyColumns: keyColumnsOf(paths) },
        ];
      }),
    );
    this.#version = version;
    this.#onReload();
  }
}

/**
 * An index whose SQL is not what this code would create (made by a version
 * with other keys, such as expressions over the JSON before key columns) is
 * stale: queries could not use it, so the planner leaves it and
 * `ensureIndexes` rebuilds it.
 */
function toIndex(row: IndexRow, definition: string | undefined): RegisteredIndex {
  const keys = (JSON.parse(row.keys) as [string, 1 | -1][]).map(([path, direction]) => ({
    path,
    direction,
  }));
  return {
    name: row.name,
    sqlName: row.sql_name,
    keys,
    unique: row.is_unique === 1,
    multikey: row.multikey === UNUSABLE,
    ...(row.multikey === ELEMENTS && { elements: elementTable(row.sql_name) }),
    stale: !definition?.endsWith(indexColumns(keys)),
  };
}

const indexColumns = (keys: readonly IndexKey[]) =>
  `(${keys.map((k) => `${keyColumn(k.path)}${k.direction === -1 ? ' DESC' : ''}`).join(', ')})`;

function indexKeys(spec: IndexSpec): IndexKey[] {
  const keys = Object.entries(spec.keys).map(([path, direction]) => {
    if (direction !== 1 && direction !== -1) {
      throw new InvalidQueryError(`Index ${spec.name}: ${path} must be 1 or -1`);
    }
    if (path !== '_id') pathSegments(path);
    return { path, direction };
  });
  if (keys.length === 0) throw new InvalidQueryError(`Index ${spec.name} has no keys`);
  return keys;
}

const sameIndex = (
  known: Pick<RegisteredIndex, 'keys' | 'unique'>,
  { keys, unique }: { keys: readonly IndexKey[]; unique: boolean },
) =>
  known.unique === unique &&
  known.keys.length === keys.length &&
  known.keys.every((k, i) => k.path === keys[i]?.path && k.direction === keys[i]?.direction);

/** SQL true for a row with an array anywhere on a key's path. */
function arrayTest(keys: readonly IndexKey[]): string {
  const tests = keys
    .filter((k) => k.path !== '_id')
    .flatMap((k) => {
      const segments = pathSegments(k.path);
      return segments.map(
        (_, i) => `json_type(doc, ${sqlString(jsonPath(segments.slice(0, i + 1)))}) = 'array'`,
      );
    });
  return tests.length > 0 ? tests.join(' OR ') : '0';
}
