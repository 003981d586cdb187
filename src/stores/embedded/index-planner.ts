import type { Filter, SortSpec } from '../read-store.js';
import {
  filterConstraints,
  type FieldConstraint,
  type FilterConstraints,
} from './filter-constraints.js';
import { elementColumn } from './element-index.js';
import { TYPE_BOUNDS, type KeyValue } from './index-keys.js';
import { keyColumn } from './key-columns.js';
import { quoteIdentifier } from './sql-names.js';

export interface IndexKey {
  readonly path: string;
  readonly direction: 1 | -1;
}

export interface PlannableIndex {
  readonly name: string;
  /** SQLite's name for the index; none for the primary key, which SQLite picks by itself. */
  readonly sqlName?: string;
  readonly keys: readonly IndexKey[];
  /** Some document has an array on a key's path: the keys cannot stand for MongoDB's matching. */
  readonly multikey: boolean;
  /** Built with other key expressions than the planner writes: unusable until rebuilt. */
  readonly stale?: boolean;
  /** An element index's side table (see element-index.ts). */
  readonly elements?: string;
}

export const PRIMARY_KEY: PlannableIndex = {
  name: '_id_',
  keys: [{ path: '_id', direction: 1 }],
  multikey: false,
};

/**
 * How to fetch a query's candidates: the index to walk, the SQL conditions on
 * its keys (a superset of the filter's matches, which mingo then narrows), and
 * how much of the sort the walk's order provides.
 */
export interface QueryPlan {
  /** Undefined: a scan of the whole table. */
  readonly index?: PlannableIndex;
  readonly where: readonly string[];
  readonly params: readonly KeyValue[];
  readonly orderBy: readonly string[];
  /** The leading sort fields (less those fixed by equality) the walk returns in order. */
  readonly ordered: readonly string[];
  /** The walk's order is the whole sort (fields fixed by equality aside); nothing to sort after. */
  readonly sorted: boolean;
  /** The conditions select exactly the filter's matches (a count needs no documents). */
  readonly exact: boolean;
  /** Through an element index: a document may have several rows unless one element is asked for. */
  readonly distinct?: boolean;
}

interface Candidate extends QueryPlan {
  readonly score: number;
}

/** Picks the index serving the filter and sort best, by equality prefix, then range, then order. */
export function planQuery(
  filter: Filter,
  sort: SortSpec | undefined,
  indexes: readonly PlannableIndex[],
): QueryPlan {
  const constraints = filterConstraints(filter);
  const sortFields = Object.entries(sort ?? {});
  let best: Candidate = {
    where: [],
    params: [],
    orderBy: [],
    ordered: [],
    sorted: sortFields.length === 0,
    exact: constraints.exact && constraints.fields.size === 0,
    score: 0,
  };
  for (const index of [PRIMARY_KEY, ...indexes]) {
    if (index.multikey || index.stale) continue;
    const candidate = index.elements
      ? planElements(index, constraints, sortFields)
      : planIndex(index, constraints, sortFields);
    if (candidate.score > best.score) best = candidate;
  }
  const { score: _, ...plan } = best;
  return plan;
}

/** `_id` is always a string: other values cannot be looked up by it. */
const usable = (
  path: string,
  c: FieldConstraint | undefined,
): c is Exclude<FieldConstraint, { op: 'all' }> =>
  c !== undefined &&
  c.op !== 'all' &&
  (path !== '_id' ||
    (c.op === 'range' ? c.type === 'string' : c.values.every((v) => typeof v === 'string')));

function planIndex(
  index: PlannableIndex,
  constraints: FilterConstraints,
  sortFields: readonly [string, 1 | -1][],
): Candidate {
  const where: string[] = [];
  const params: KeyValue[] = [];
  const used = new Set<string>();
  const primary = index === PRIMARY_KEY;
  let score = 0;
  let position = 0;
  for (const key of index.keys) {
    const c = constraints.fields.get(key.path);
    if (!usable(key.path, c) || c.op !== 'eq') break;
    where.push(`${keyColumn(key.path)} = ?`);
    params.push(c.keys[0]);
    used.add(key.path);
    score += primary ? 10_000 : 100;
    position++;
  }
  const next = index.keys[position];
  const c = next && constraints.fields.get(next.path);
  let hasIn = false;
  if (next && usable(next.path, c) && c.op !== 'eq') {
    const expression = keyColumn(next.path);
    if (c.op === 'in') {
      where.push(`${expression} IN (${c.keys.map(() => '?').join(', ')})`);
      params.push(...c.keys);
      hasIn = true;
      score += primary ? 150 : 60;
    } else {
      const bounds = TYPE_BOUNDS[c.type];
      const lower = c.lower ?? { value: bounds.lower, inclusive: c.type === 'string' };
      const upper = c.upper ?? { value: bounds.upper, inclusive: false };
      where.push(`${expression} ${lower.inclusive ? '>=' : '>'} ?`);
      where.push(`${expression} ${upper.inclusive ? '<=' : '<'} ?`);
      params.push(lower.value, upper.value);
      score += 30;
    }
    used.add(next.path);
  }
  const remaining = sortFields.filter(([field]) => !usedAsEquality(field, index, position));
  const ordered: string[] = [];
  const orderBy: string[] = [];
  if (!hasIn) {
    let walk: 1 | -1 | undefined;
    for (const [i, [field, direction]] of remaining.entries()) {
      const key = index.keys[position + i];
      if (key?.path !== field) break;
      const d = direction === key.direction ? 1 : -1;
      walk ??= d;
      if (d !== walk) break;
      ordered.push(field);
      orderBy.push(`${keyColumn(key.path)} ${key.direction === walk ? 'ASC' : 'DESC'}`);
    }
  }
  const sorted = ordered.length === remaining.length;
  score += ordered.length * 10 + (sorted && remaining.length > 0 ? 5 : 0);
  const exact = constraints.exact && [...constraints.fields.keys()].every((f) => used.has(f));
  return { index, where, params, orderBy, ordered, sorted, exact, score };
}

/**
 * A plan through an element index's side table (alias `s`): the first key's
 * constraint picks rows, every other key with a constraint filters them
 * there, and with one element asked for the rows come in `_id` order.
 */
function planElements(
  index: PlannableIndex,
  constraints: FilterConstraints,
  sortFields: readonly [string, 1 | -1][],
): Candidate {
  const none = { where: [], params: [], orderBy: [], ordered: [], sorted: false, exact: false };
  const [first, ...rest] = index.keys;
  const conjoined = first && constraints.conjuncts.get(first.path);
  // Several membership conditions: rows come by the one asking for single
  // elements (no row twice), and each other one must hold for some row.
  const main = conjoined ? (conjoined.find((m) => m.op !== 'in') ?? conjoined[0]) : undefined;
  const c = main ?? (first && constraints.fields.get(first.path));
  if (!first || !c || first.path === '_id') return { ...none, score: 0 };
  const where: string[] = [];
  const params: KeyValue[] = [];
  const used = new Set<string>([first.path]);
  let score: number;
  let exact = c.exact;
  let distinct = false;
  // A `$nin` on the elements: no row of the document holds one of its values.
  const excluded = constraints.exclusions.get(first.path);
  const excludesHere = [...constraints.exclusions.keys()].every((f) => f === first.path);
  const filterExact = conjoined
    ? constraints.exactConjoined
    : excluded && excludesHere
      ? constraints.exactExcluding
      : constraints.exact;
  for (const other of conjoined?.filter((m) => m !== main) ?? []) {
    const keys = other.op === 'in' ? [other.keys] : other.keys.map((key) => [key]);
    for (const alternatives of keys) {
      where.push(
        `EXISTS (SELECT 1 FROM ${quoteIdentifier(index.elements!)} AS x ` +
          `WHERE x.e IN (${alternatives.map(() => '?').join(', ')}) AND x.id = s.id)`,
      );
      params.push(...alternatives);
    }
  }
  if (excluded && excludesHere) {
    where.push(
      `NOT EXISTS (SELECT 1 FROM ${quoteIdentifier(index.elements!)} AS n ` +
        `WHERE n.e IN (${excluded.map(() => '?').join(', ')}) AND n.id = s.id)`,
    );
    params.push(...excluded);
  }
  if (c.op === 'eq' || c.op === 'all') {
    where.push('s.e = ?');
    params.push(c.keys[0]!);
    for (const key of c.keys.slice(1)) {
      where.push(
        `EXISTS (SELECT 1 FROM ${quoteIdentifier(index.elements!)} AS x WHERE x.e = ? AND x.id = s.id)`,
      );
      params.push(key);
    }
    score = c.op === 'eq' ? 150 : 160;
  } else if (c.op === 'in') {
    where.push(`s.e IN (${c.keys.map(() => '?').join(', ')})`);
    params.push(...c.keys);
    distinct = true;
    score = 60;
  } else {
    // Two bounds may hold for different elements of one array: only one is pushed down.
    const bounds = TYPE_BOUNDS[c.type];
    const lower = c.lower ?? { value: bounds.lower, inclusive: c.type === 'string' };
    const upper = c.lower === undefined ? c.upper : undefined;
    if (c.lower && c.upper) exact = false;
    const high = upper ?? { value: bounds.upper, inclusive: false };
    where.push(`s.e ${lower.inclusive ? '>=' : '>'} ?`, `s.e ${high.inclusive ? '<=' : '<'} ?`);
    params.push(lower.value, high.value);
    distinct = true;
    score = 30;
  }
  const fixed = new Set<string>();
  for (const [i, key] of rest.entries()) {
    const k = constraints.fields.get(key.path);
    if (!usable(key.path, k) || used.has(key.path)) continue;
    const column = key.path === '_id' ? 's.id' : `s.${elementColumn(i + 1)}`;
    if (k.op === 'eq') {
      where.push(`${column} = ?`);
      params.push(k.keys[0]);
      if (k.exact) fixed.add(key.path);
    } else if (k.op === 'in') {
      where.push(`${column} IN (${k.keys.map(() => '?').join(', ')})`);
      params.push(...k.keys);
    } else {
      const bounds = TYPE_BOUNDS[k.type];
      const lower = k.lower ?? { value: bounds.lower, inclusive: k.type === 'string' };
      const upper = k.upper ?? { value: bounds.upper, inclusive: false };
      where.push(
        `${column} ${lower.inclusive ? '>=' : '>'} ?`,
        `${column} ${upper.inclusive ? '<=' : '<'} ?`,
      );
      params.push(lower.value, upper.value);
    }
    used.add(key.path);
    score += 10;
  }
  const remaining = sortFields.filter(([field]) => !fixed.has(field));
  const byId = !distinct && remaining.length === 1 && remaining[0]![0] === '_id';
  const orderBy = byId ? [`s.id ${remaining[0]![1] === 1 ? 'ASC' : 'DESC'}`] : [];
  if (byId) score += 15;
  return {
    index,
    where,
    params,
    orderBy,
    ordered: byId ? ['_id'] : [],
    sorted: byId || remaining.length === 0,
    exact: exact && filterExact && [...constraints.fields.keys()].every((f) => used.has(f)),
    distinct,
    score,
  };
}

const usedAsEquality = (field: string, index: PlannableIndex, prefix: number) =>
  index.keys.slice(0, prefix).some((key) => key.path === field);

/** The SELECT for a plan; a declared index is forced with INDEXED BY, so SQLite walks the one chosen. */
export function planSql(table: string, plan: QueryPlan, columns: 'doc' | 'count(*)'): string {
  if (plan.index?.elements) return elementSql(table, plan.index.elements, plan, columns);
  const indexed = plan.index?.sqlName ? ` INDEXED BY ${quoteIdentifier(plan.index.sqlName)}` : '';
  const where = plan.where.length > 0 ? ` WHERE ${plan.where.join(' AND ')}` : '';
  const orderBy = plan.orderBy.length > 0 ? ` ORDER BY ${plan.orderBy.join(', ')}` : '';
  return `SELECT ${columns} FROM ${quoteIdentifier(table)}${indexed}${where}${orderBy}`;
}

function elementSql(
  table: string,
  side: string,
  plan: QueryPlan,
  columns: 'doc' | 'count(*)',
): string {
  const where = plan.where.length > 0 ? ` WHERE ${plan.where.join(' AND ')}` : '';
  const from = `${quoteIdentifier(side)} AS s${where}`;
  if (columns === 'count(*)') {
    return `SELECT ${plan.distinct ? 'count(DISTINCT s.id)' : 'count(*)'} FROM ${from}`;
  }
  if (plan.distinct) {
    return `SELECT doc FROM ${quoteIdentifier(table)} WHERE id IN (SELECT s.id FROM ${from})`;
  }
  const orderBy = plan.orderBy.length > 0 ? ` ORDER BY ${plan.orderBy.join(', ')}` : '';
  return (
    `SELECT d.doc FROM ${quoteIdentifier(side)} AS s CROSS JOIN ${quoteIdentifier(table)} AS d ` +
    `ON d.id = s.id${where}${orderBy}`
  );
}
