import { keyOf, pathSegments, type KeyValue } from './index-keys.js';
import { keyColumnName, quoteIdentifier } from './sql-names.js';

/**
 * A collection's table keeps the key of each indexed field in a column of
 * its own, written with the document, and its indexes are built on those
 * columns rather than on expressions over the JSON. A write then sets only
 * the columns whose key changed, so SQLite leaves every index on the others
 * alone (an expression index is rewritten on every change of the document).
 */
export interface KeyColumn {
  readonly path: string;
  readonly segments: readonly string[];
  /** Quoted for SQL. */
  readonly column: string;
}

/** SQL for a key in index definitions and queries: `_id` is the id column. */
export const keyColumn = (path: string): string =>
  path === '_id' ? 'id' : quoteIdentifier(keyColumnName(path));

/** The key columns of indexes on these field paths, each path once (`_id` has none). */
export function keyColumnsOf(keyPaths: readonly string[]): KeyColumn[] {
  const paths = new Set(keyPaths.filter((path) => path !== '_id'));
  return [...paths].map((path) => ({
    path,
    segments: pathSegments(path),
    column: keyColumn(path),
  }));
}

/** The document's key for each column, in order. */
export const keysOf = (doc: unknown, columns: readonly KeyColumn[]): (KeyValue | null)[] =>
  columns.map((c) => keyOf(doc, c.segments));
