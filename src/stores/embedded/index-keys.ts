import { InvalidQueryError } from './embedded-errors.js';
import { sqlString } from './sql-names.js';

/**
 * How a document field becomes an index key. json_extract alone orders values
 * in SQLite's type order (booleans among numbers, objects among strings); the
 * key expression maps each JSON type so that SQLite orders keys the way
 * MongoDB and mingo order values:
 * null and missing (alike, NULL) < numbers < strings < objects < arrays < false < true.
 * All objects share one key (as do all arrays): their order among themselves
 * is left to mingo.
 */
export type KeyValue = string | number | Buffer;

const OBJECT_KEY = "x'fd'";
const ARRAY_KEY = "x'fe'";
const FALSE_KEY = Buffer.from([0xff, 0x00]);
const TRUE_KEY = Buffer.from([0xff, 0x01]);

/** Bounds that keep a range inside one type, as MongoDB's comparisons do. */
export const TYPE_BOUNDS = {
  number: { lower: -Infinity, upper: '' },
  string: { lower: '', upper: Buffer.alloc(0) },
} as const;

export type RangeType = keyof typeof TYPE_BOUNDS;

const SIMPLE_SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The parts of a dotted path, refused when SQLite's JSON paths cannot express it. */
export function pathSegments(path: string): string[] {
  const segments = path.split('.');
  for (const segment of segments) {
    if (segment === '' || segment.startsWith('$') || /["\\]/.test(segment)) {
      throw new InvalidQueryError(`Cannot index the field path ${JSON.stringify(path)}`);
    }
  }
  return segments;
}

export const jsonPath = (segments: readonly string[]): string =>
  '$' + segments.map((s) => (SIMPLE_SEGMENT.test(s) ? `.${s}` : `."${s}"`)).join('');

/** The SQL expression of a field's key; `_id` is the id column. Queries repeat it verbatim so SQLite matches the index. */
export function keyExpression(path: string): string {
  if (path === '_id') return 'id';
  const p = sqlString(jsonPath(pathSegments(path)));
  return (
    `CASE json_type(doc, ${p}) WHEN 'object' THEN ${OBJECT_KEY} WHEN 'array' THEN ${ARRAY_KEY} ` +
    `WHEN 'false' THEN x'ff00' WHEN 'true' THEN x'ff01' ELSE json_extract(doc, ${p}) END`
  );
}

const OBJECT_VALUE = Buffer.from([0xfd]);
const ARRAY_VALUE = Buffer.from([0xfe]);

/** A value as JSON.stringify writes it: toJSON called, boxed primitives unboxed, non-finite numbers null. */
function asJson(value: unknown, key: string): unknown {
  if (typeof value === 'object' && value !== null) {
    const toJson = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJson === 'function') return asJson(toJson.call(value, key), key);
    if (value instanceof Number || value instanceof String || value instanceof Boolean) {
      return asJson(value.valueOf(), key);
    }
    return value;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
}

/**
 * The key `keyExpression(path)` gives the document once stored as JSON,
 * worked out in JavaScript (its `segments`): NULL (null) for null and
 * missing, numbers, strings, and the blobs standing for objects, arrays,
 * false and true. Written to a key column with the document.
 */
export function keyOf(doc: unknown, segments: readonly string[]): KeyValue | null {
  let value = asJson(doc, '');
  for (const segment of segments) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    if (!Object.hasOwn(value, segment)) return null;
    value = asJson((value as Record<string, unknown>)[segment], segment);
  }
  switch (typeof value) {
    case 'number':
    case 'string':
      return value;
    case 'boolean':
      return value ? TRUE_KEY : FALSE_KEY;
    case 'object':
      if (value === null) return null;
      return Array.isArray(value) ? ARRAY_VALUE : OBJECT_VALUE;
    default:
      return null;
  }
}

/** Whether two stored keys are the same value (a key column needs no update). */
export function sameKey(a: unknown, b: unknown): boolean {
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) {
    return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  }
  return a === b;
}

/** Holds no lone surrogate (which UTF-8 cannot carry) and no NUL. */
const isPlainText = (s: string) =>
  !s.includes('\0') &&
  !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

/** The key an equality value matches exactly, or undefined when it cannot be pushed down. */
export function equalityKey(value: unknown): KeyValue | undefined {
  switch (typeof value) {
    case 'string':
      return isPlainText(value) ? value : undefined;
    case 'number':
      return Number.isFinite(value) ? value : undefined;
    case 'boolean':
      return value ? TRUE_KEY : FALSE_KEY;
    default:
      return undefined;
  }
}

/**
 * The type of a range bound SQLite compares as mingo does, if any. Strings
 * qualify when below U+D800: beyond it UTF-8 (SQLite) and UTF-16 (JavaScript)
 * order characters differently.
 */
export function rangeType(value: unknown): RangeType | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? 'number' : undefined;
  if (typeof value === 'string') return /[\0\ud800-\uffff]/.test(value) ? undefined : 'string';
  return undefined;
}

/** A field's value the way json_extract reaches it: through objects only. */
export function valueAt(doc: unknown, segments: readonly string[]): unknown {
  let value = doc;
  for (const segment of segments) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = Object.hasOwn(value, segment) ? (value as Record<string, unknown>)[segment] : undefined;
  }
  return value;
}

/** Whether an array lies on the path (then MongoDB matches its elements, which the key cannot show). */
export function hasArrayOnPath(doc: unknown, segments: readonly string[]): boolean {
  let value = doc;
  for (const segment of segments) {
    if (typeof value !== 'object' || value === null) return false;
    if (Array.isArray(value)) return true;
    value = (value as Record<string, unknown>)[segment];
  }
  return Array.isArray(value);
}

/**
 * A string equal for values with equal keys, for grouping index-ordered
 * documents; undefined for objects and arrays, whose keys say nothing about
 * their order.
 */
export function orderToken(value: unknown): string | undefined {
  if (value === undefined || value === null) return 'n';
  switch (typeof value) {
    case 'number':
      return `d${value}`;
    case 'string':
      return `s${value}`;
    case 'boolean':
      return value ? 't' : 'f';
    default:
      return undefined;
  }
}
