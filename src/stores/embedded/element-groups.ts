import { elementColumn } from './element-index.js';
import { planQuery } from './index-planner.js';
import type { ReadConnection } from './read-connection.js';
import type { RegisteredCollection } from './registry.js';
import type { Stage } from './aggregate-pipeline.js';
import type { Selection } from './select-docs.js';
import { quoteIdentifier } from './sql-names.js';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const fieldPath = (value: unknown): string | undefined =>
  typeof value === 'string' && /^\$[A-Za-z_][A-Za-z0-9_.]*$/.test(value)
    ? value.slice(1)
    : undefined;

/**
 * `{$match}` then `{$group: {_id: '$field' | {name: '$field', ...}, n: {$sum: 1}, ...}}`
 * counted in SQL from an element index's side table, when the match is exactly
 * its conditions and the grouped fields are its other keys. Undefined when the
 * pipeline does not qualify (mingo then runs it over the documents).
 */
export function groupByElements(
  connection: ReadConnection,
  collection: RegisteredCollection | undefined,
  selection: Selection,
  group: Stage | undefined,
): Record<string, unknown>[] | undefined {
  if (!collection || selection.sort || selection.skip > 0 || selection.limit !== undefined) return;
  const spec = group?.$group;
  if (!group || Object.keys(group).length !== 1 || !isPlainObject(spec)) return;
  const { _id: id, ...accumulators } = spec;
  const counts = Object.keys(accumulators);
  const isCount = (a: unknown) => isPlainObject(a) && Object.keys(a).length === 1 && a.$sum === 1;
  if (!counts.every((name) => isCount(accumulators[name]) && !name.includes('.'))) return;
  const single = fieldPath(id);
  const named = isPlainObject(id) ? Object.entries(id).map(([k, v]) => [k, fieldPath(v)]) : [];
  const paths = single !== undefined ? [single] : named.map(([, path]) => path);
  if (paths.length === 0 || !paths.every((p): p is string => p !== undefined)) return;
  if (named.some(([name]) => !name || name.startsWith('$') || name.includes('.'))) return;

  const plan = planQuery(selection.filter, undefined, collection.indexes);
  const side = plan.index?.elements;
  if (!side || !plan.exact) return;
  const keys = plan.index!.keys;
  const columns = paths.map((path) => {
    const position = keys.findIndex((key, i) => i > 0 && key.path === path);
    return position < 1 ? undefined : path === '_id' ? 's.id' : `s.${elementColumn(position)}`;
  });
  if (!columns.every((c): c is string => c !== undefined)) return;
  const count = plan.distinct ? 'count(DISTINCT s.id)' : 'count(*)';
  const where = plan.where.length > 0 ? ` WHERE ${plan.where.join(' AND ')}` : '';
  const sql =
    `SELECT ${columns.join(', ')}, ${count} FROM ${quoteIdentifier(side)} AS s${where} ` +
    `GROUP BY ${columns.join(', ')}`;
  const rows = connection
    .statement(sql)
    .raw()
    .all(...plan.params) as unknown[][];
  const result: Record<string, unknown>[] = [];
  for (const row of rows) {
    const values = row.slice(0, -1).map(decode);
    if (values.some((v) => v === undefined)) return;
    // A missing field in a compound _id: left to mingo, which knows how MongoDB shows it.
    if (single === undefined && values.some((v) => v === null)) return;
    const n = row[row.length - 1];
    result.push({
      _id:
        single !== undefined
          ? values[0]
          : Object.fromEntries(named.map(([name], i) => [name, values[i]])),
      ...Object.fromEntries(counts.map((name) => [name, n])),
    });
  }
  return result;
}

/** A key column's value back as the document's; undefined for objects and arrays (no value kept). */
function decode(key: unknown): unknown {
  if (!Buffer.isBuffer(key)) return key;
  if (key.length === 2 && key[0] === 0xff) return key[1] === 1;
  return undefined;
}
