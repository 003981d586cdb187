import { AppError } from '../../errors.js';
import type { Filter, IndexSpec, SortSpec } from '../../stores/read-store.js';

/**
 * Keyset pagination: a page continues strictly after the last item's sort
 * key, so pages stay stable while documents are added or removed and cost
 * the same however deep they go. Every ordering ends with `_id`, which makes
 * the key unique and ties deterministic.
 */
export interface SortKey {
  /** A dotted path into the document. */
  readonly field: string;
  readonly direction: 1 | -1;
  readonly type: 'number' | 'string';
}

export interface Ordering {
  /** Also written into cursors, so a cursor cannot be used with another ordering. */
  readonly name: string;
  readonly keys: readonly SortKey[];
}

export interface Page<T> {
  readonly items: T[];
  /** Null on the last page. */
  readonly nextCursor: string | null;
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
const MAX_CURSOR_LENGTH = 2048;

export const byId: SortKey = { field: '_id', direction: 1, type: 'string' };

export const sortSpecOf = (ordering: Ordering): SortSpec =>
  Object.fromEntries(ordering.keys.map((key) => [key.field, key.direction]));

/** An index serving the ordering, optionally after equality fields. */
export const indexFor = (ordering: Ordering, prefix: readonly string[]): IndexSpec => ({
  name: ['by', ...prefix, ordering.name].join('_').replace(/\./g, '_'),
  keys: { ...Object.fromEntries(prefix.map((field) => [field, 1])), ...sortSpecOf(ordering) },
});

export function invalidQuery(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `The request query is invalid`, {
    errors: [{ path: `query.${field}`, message }],
  });
}

/** The page size asked for, checked: a whole number from 1 to 100 (20 when absent). */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw invalidQuery('limit', `limit is a whole number from 1 to ${MAX_LIMIT}`);
  }
  return limit;
}

/** A price bound in minor units, checked. */
export function priceBound(field: string, value: number | undefined): number | undefined {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
    throw invalidQuery(field, `${field} is a whole number of minor units, 0 or more`);
  }
  return value;
}

export function encodeCursor(ordering: Ordering, doc: Readonly<Record<string, unknown>>): string {
  const values = ordering.keys.map((key) => valueAt(doc, key.field));
  return Buffer.from(JSON.stringify([ordering.name, ...values])).toString('base64url');
}

/** The sort key a cursor holds; a 400 for anything this ordering did not write. */
export function decodeCursor(ordering: Ordering, cursor: string): readonly unknown[] {
  const invalid = () => invalidQuery('cursor', 'cursor is not one this listing returned');
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(decoded) || decoded.length !== ordering.keys.length + 1) throw invalid();
  const [name, ...values] = decoded as unknown[];
  const fits = ordering.keys.every((key, i) => {
    const value = values[i];
    return key.type === 'number'
      ? typeof value === 'number' && Number.isFinite(value)
      : typeof value === 'string';
  });
  if (name !== ordering.name || !fits) throw invalid();
  return values;
}

/** Documents strictly after the sort key `values` in the ordering. */
export function afterKey(ordering: Ordering, values: readonly unknown[]): Filter {
  const equal = (n: number) =>
    Object.fromEntries(ordering.keys.slice(0, n).map((key, i) => [key.field, values[i]]));
  return {
    $or: ordering.keys.map((key, i) => ({
      ...equal(i),
      [key.field]: { [key.direction === 1 ? '$gt' : '$lt']: values[i] },
    })),
  };
}

/** The filter for a page: `filter`, and after the cursor's key when there is one. */
export function pageFilter(ordering: Ordering, filter: Filter, cursor: string | undefined): Filter {
  if (cursor === undefined) return filter;
  const after = afterKey(ordering, decodeCursor(ordering, cursor));
  return Object.keys(filter).length === 0 ? after : { $and: [filter, after] };
}

/** A page from up to `limit + 1` documents fetched in the ordering. */
export function toPage<D extends Readonly<Record<string, unknown>>, T>(
  ordering: Ordering,
  docs: readonly D[],
  limit: number,
  toItem: (doc: D) => T,
): Page<T> {
  const shown = docs.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    items: shown.map(toItem),
    nextCursor: docs.length > limit && last ? encodeCursor(ordering, last) : null,
  };
}

function valueAt(doc: Readonly<Record<string, unknown>>, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    value =
      typeof value === 'object' && value !== null
        ? (value as Record<string, unknown>)[part]
        : undefined;
  }
  return value;
}
