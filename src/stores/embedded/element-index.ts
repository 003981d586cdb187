import { equalityKey, pathSegments, sameKey, valueAt, type KeyValue } from './index-keys.js';

/**
 * An element index: a declared index whose first key holds arrays, kept as a
 * side table with one row per distinct scalar element (MongoDB's multikey
 * index). Each row also holds the document's values of the index's other
 * keys, which must be scalars, so a filter on them and a count or grouping
 * by them never reads the documents. Rows are keyed (element, id).
 */

/** The side table's name: derived from the index's SQLite name, which survives renames. */
export const elementTable = (sqlName: string): string => `${sqlName}:elements`;

/** Column names: the element, then one per other key ("c1", "c2", ...), then `id`. */
export const elementColumn = (position: number): string => (position === 0 ? 'e' : `c${position}`);

export interface ElementRows {
  readonly elements: readonly KeyValue[];
  /** The other keys' values, encoded as the scalar index keys are. */
  readonly others: readonly (KeyValue | null)[];
}

/**
 * The rows of a document; undefined when the document does not fit an
 * element index (an array on another key's path, or inside the first
 * key's path), so the index must not be used.
 */
export function elementRows(
  doc: unknown,
  keys: readonly { readonly path: string }[],
): ElementRows | undefined {
  const [first, ...rest] = keys;
  if (!first || first.path === '_id') return undefined;
  const segments = pathSegments(first.path);
  if (arrayBefore(doc, segments)) return undefined;
  const value = valueAt(doc, segments);
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const elements = new Map<string, KeyValue>();
  for (const element of values) {
    const key = scalarKey(element);
    if (key !== undefined && key !== null) elements.set(keyToken(key), key);
  }
  const others: (KeyValue | null)[] = [];
  for (const key of rest) {
    if (key.path === '_id') {
      others.push((doc as { _id: string })._id);
      continue;
    }
    const keySegments = pathSegments(key.path);
    if (arrayBefore(doc, keySegments)) return undefined;
    const other = valueAt(doc, keySegments);
    if (Array.isArray(other)) return undefined;
    const encoded = scalarKey(other);
    if (encoded === undefined) return undefined;
    others.push(encoded);
  }
  return { elements: [...elements.values()], others };
}

/** Whether the document's rows are the same (then the side table needs no change). */
export function sameRows(a: ElementRows | undefined, b: ElementRows | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.elements.length === b.elements.length &&
    a.others.length === b.others.length &&
    a.elements.every((key, i) => sameKey(key, b.elements[i])) &&
    a.others.every((key, i) => sameKey(key, b.others[i]))
  );
}

/** A scalar's key as the index's key expression gives it; undefined for objects (left to mingo). */
function scalarKey(value: unknown): KeyValue | null | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return equalityKey(value) ?? undefined;
  return undefined;
}

/** An array before the path's last segment (MongoDB would reach into its elements' fields). */
function arrayBefore(doc: unknown, segments: readonly string[]): boolean {
  let value = doc;
  for (const segment of segments.slice(0, -1)) {
    if (typeof value !== 'object' || value === null) return false;
    if (Array.isArray(value)) return true;
    value = (value as Record<string, unknown>)[segment];
  }
  return Array.isArray(value);
}

/** A string equal for equal keys. */
export const keyToken = (key: KeyValue): string =>
  Buffer.isBuffer(key) ? `b${key.toString('hex')}` : `${typeof key}${key}`;
