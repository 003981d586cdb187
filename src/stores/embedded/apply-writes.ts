import type { Statement } from 'better-sqlite3';
import { update as applyOperators } from 'mingo';
import type { Doc, Update, Write } from '../read-store.js';
import { InvalidWriteError, isConstraintError } from './embedded-errors.js';
import { elementRows, keyToken, sameRows } from './element-index.js';
import { ElementWrites } from './element-writes.js';
import { hasArrayOnPath, pathSegments, sameKey, type KeyValue } from './index-keys.js';
import { keysOf } from './key-columns.js';
import type { ReadConnection } from './read-connection.js';
import type { RegisteredCollection, RegisteredIndex } from './registry.js';
import { quoteIdentifier } from './sql-names.js';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Element-table row changes held before they are applied: a batch that
 * creates many documents with many elements each (a catch-up over thousands
 * of new products) applies them in rounds this size, not all at the end.
 */
const MAX_PENDING_ELEMENT_ROWS = 100_000;

/**
 * Applies the writes in order; run inside the commit's write transaction.
 * Element-table rows are changed together (see ElementWrites) at the end, or
 * sooner when many are pending.
 */
export function applyWrites(connection: ReadConnection, writes: readonly Write[]): void {
  const elements = new ElementWrites();
  for (const write of writes) {
    if (elements.pending >= MAX_PENDING_ELEMENT_ROWS) elements.flush(connection);
    switch (write.kind) {
      case 'put':
        put(connection, elements, write.collection, write.doc);
        break;
      case 'update':
        updateDoc(connection, elements, write);
        break;
      case 'delete': {
        const collection = connection.registry.get(write.collection);
        if (!collection) break;
        const id = checkId(write.id);
        const before = hasElementIndexes(collection)
          ? statements(connection, collection).load.get(id)
          : undefined;
        statements(connection, collection).remove.run(id);
        if (before !== undefined) {
          updateElements(connection, elements, collection, id, before, undefined);
        }
        break;
      }
      default: {
        const unknown: never = write;
        throw new InvalidWriteError(`Unknown write ${JSON.stringify(unknown)}`);
      }
    }
  }
  elements.flush(connection);
}

function put(connection: ReadConnection, elements: ElementWrites, name: string, doc: Doc): void {
  if (!isPlainObject(doc)) throw new InvalidWriteError(`A put in ${name} needs a document`);
  const id = checkId(doc._id);
  const collection = connection.registry.get(name) ?? connection.registry.create(name);
  const before = hasElementIndexes(collection)
    ? statements(connection, collection).load.get(id)
    : undefined;
  store(connection, elements, collection, id, doc, before);
}

function updateDoc(
  connection: ReadConnection,
  elements: ElementWrites,
  write: Extract<Write, { kind: 'update' }>,
): void {
  const id = checkId(write.id);
  let collection = connection.registry.get(write.collection);
  const json = collection && statements(connection, collection).load.get(id);
  if (json === undefined && !write.upsert) {
    applyUpdate({ _id: id }, write.update, false);
    return;
  }
  collection ??= connection.registry.create(write.collection);
  const doc: Doc = json === undefined ? { _id: id } : (JSON.parse(json) as Doc);
  applyUpdate(doc, write.update, json === undefined);
  store(connection, elements, collection, id, doc, json);
}

/**
 * MongoDB's update operators through mingo, which refuses unknown ones and
 * changes to `_id`; `$setOnInsert` (which mingo lacks) sets only on insert.
 */
function applyUpdate(doc: Doc, update: Update, inserting: boolean): void {
  if (!isPlainObject(update) || Object.keys(update).length === 0) {
    throw new InvalidWriteError(`An update of ${doc._id} needs at least one operator`);
  }
  const { $setOnInsert, ...operators } = update;
  if ($setOnInsert !== undefined) {
    if (!isPlainObject($setOnInsert)) throw new InvalidWriteError('$setOnInsert takes fields');
    if (inserting) applyOperators(doc, { $set: $setOnInsert });
  }
  if (Object.keys(operators).length > 0) applyOperators(doc, operators);
}

function store(
  connection: ReadConnection,
  elements: ElementWrites,
  collection: RegisteredCollection,
  id: string,
  doc: Doc,
  /** The stored document's JSON, when the collection has element indexes and the document existed. */
  before: string | undefined,
): void {
  try {
    const json = JSON.stringify(doc);
    if (collection.keyColumns.length === 0) statements(connection, collection).upsert.run(id, json);
    else storeWithKeys(connection, collection, id, json, keysOf(doc, collection.keyColumns));
  } catch (error) {
    if (!isConstraintError(error)) throw error;
    throw new InvalidWriteError(`${collection.name} ${JSON.stringify(id)}: ${String(error)}`);
  }
  updateElements(connection, elements, collection, id, before, doc);
  for (const index of collection.indexes) {
    if (index.multikey || index.elements) continue;
    if (keyPaths(index).some((segments) => hasArrayOnPath(doc, segments))) {
      // The registry changes element tables: pending rows go first.
      elements.flush(connection);
      connection.registry.useElements(collection, index);
    }
  }
}

/**
 * Inserts the document with its keys, or updates it and only the key columns
 * whose key changed: the indexes on the others are not touched.
 */
function storeWithKeys(
  connection: ReadConnection,
  collection: RegisteredCollection,
  id: string,
  json: string,
  keys: readonly (KeyValue | null)[],
): void {
  const own = statements(connection, collection);
  const stored = own.loadKeys.get(id);
  if (stored === undefined) {
    own.insert.run(id, json, ...keys);
    return;
  }
  const changed = keys.flatMap((key, i) => (sameKey(stored[i + 1], key) ? [] : [i]));
  const update = own.updates.get(changed.join()) ?? prepareUpdate(connection, collection, changed);
  update.run(json, ...changed.map((i) => keys[i]), id);
}

function prepareUpdate(
  connection: ReadConnection,
  collection: RegisteredCollection,
  changed: readonly number[],
): Statement<unknown[], unknown> {
  const sets = ['doc = ?', ...changed.map((i) => `${collection.keyColumns[i]!.column} = ?`)];
  const update = connection.statement(
    `UPDATE ${quoteIdentifier(collection.table)} SET ${sets.join(', ')} WHERE id = ?`,
  );
  statements(connection, collection).updates.set(changed.join(), update);
  return update;
}

const hasElementIndexes = (collection: RegisteredCollection) =>
  collection.indexes.some((index) => index.elements !== undefined && !index.multikey);

/** Brings the element indexes' side tables from the document's old version to its new one. */
function updateElements(
  connection: ReadConnection,
  pending: ElementWrites,
  collection: RegisteredCollection,
  id: string,
  before: string | undefined,
  after: Doc | undefined,
): void {
  let old: unknown;
  for (const index of collection.indexes) {
    if (index.elements === undefined || index.multikey) continue;
    const next = after && elementRows(after, index.keys);
    if (after && !next) {
      pending.flush(connection);
      connection.registry.markMultikey(collection.name, index);
      continue;
    }
    if (before !== undefined) old ??= JSON.parse(before);
    const previous = before === undefined ? undefined : elementRows(old, index.keys);
    if (sameRows(previous, next)) continue;
    const table = quoteIdentifier(index.elements);
    const keep =
      previous &&
      next &&
      sameRows({ elements: [], others: previous.others }, { elements: [], others: next.others });
    // Rows of elements the document keeps stay when the other keys did not
    // change and are replaced when they did.
    const removed = previous ? without(previous.elements, next?.elements ?? []) : [];
    const added = !next
      ? []
      : keep && previous
        ? without(next.elements, previous.elements)
        : next.elements;
    pending.change(table, index.keys.length, id, removed, added, next?.others ?? []);
  }
}

function without(keys: readonly KeyValue[], others: readonly KeyValue[]): KeyValue[] {
  const tokens = new Set(others.map(keyToken));
  return keys.filter((key) => !tokens.has(keyToken(key)));
}

const indexPaths = new WeakMap<RegisteredIndex, string[][]>();

/** The index's key paths (but `_id`) as segments, worked out once per registry view. */
function keyPaths(index: RegisteredIndex): string[][] {
  let paths = indexPaths.get(index);
  if (!paths) {
    paths = index.keys.filter((k) => k.path !== '_id').map((k) => pathSegments(k.path));
    indexPaths.set(index, paths);
  }
  return paths;
}

interface Statements {
  readonly load: Statement<unknown[], string>;
  readonly upsert: Statement<unknown[], unknown>;
  readonly remove: Statement<unknown[], unknown>;
  /** 1, then the key columns' stored values in `keyColumns` order. */
  readonly loadKeys: Statement<unknown[], unknown[]>;
  readonly insert: Statement<unknown[], unknown>;
  /** Updates of the document and some key columns, by the changed columns' positions. */
  readonly updates: Map<string, Statement<unknown[], unknown>>;
}

/** Per registry view (a reload makes new collection objects and clears the statements). */
const prepared = new WeakMap<RegisteredCollection, Statements>();

function statements(connection: ReadConnection, collection: RegisteredCollection): Statements {
  let found = prepared.get(collection);
  if (!found) {
    const table = quoteIdentifier(collection.table);
    const columns = collection.keyColumns.map((c) => c.column);
    found = {
      load: connection.statement<string>(`SELECT doc FROM ${table} WHERE id = ?`, true),
      upsert: connection.statement(
        `INSERT INTO ${table} (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`,
      ),
      remove: connection.statement(`DELETE FROM ${table} WHERE id = ?`),
      loadKeys: connection
        .statement<unknown[]>(`SELECT ${['1', ...columns].join(', ')} FROM ${table} WHERE id = ?`)
        .raw(),
      insert: connection.statement(
        `INSERT INTO ${table} (${['id', 'doc', ...columns].join(', ')}) ` +
          `VALUES (${['id', 'doc', ...columns].map(() => '?').join(', ')})`,
      ),
      updates: new Map(),
    };
    prepared.set(collection, found);
  }
  return found;
}

function checkId(id: unknown): string {
  if (typeof id !== 'string') throw new InvalidWriteError(`A document's _id is a string`);
  return id;
}
