import { InvalidQueryError } from './embedded-errors.js';

const NAME = /^[A-Za-z0-9_-]{1,120}$/;

/** Collection and index names: letters, digits, '_' and '-'. */
export function checkName(kind: 'collection' | 'index', name: string): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new InvalidQueryError(
      `A ${kind} name is 1 to 120 letters, digits, '_' or '-', not ${JSON.stringify(name)}`,
    );
  }
  return name;
}

/** SQLite folds identifiers' case: '_' escapes capitals and itself, so distinct names stay distinct. */
const escapeCase = (name: string) =>
  name.replace(/[A-Z_]/g, (c) => (c === '_' ? '__' : `_${c.toLowerCase()}`));

/** The table holding a collection's documents. */
export const tableName = (collection: string): string =>
  `col_${escapeCase(checkName('collection', collection))}`;

/** The SQLite name an index gets when created (it keeps it when its table is renamed). */
export const indexSqlName = (table: string, index: string, attempt: number): string =>
  `${table}.${escapeCase(checkName('index', index))}${attempt > 0 ? `.${attempt}` : ''}`;

/**
 * The column holding a key of the field at `path` (see key-columns.ts);
 * escaped as names are, since SQLite's column names ignore case.
 */
export const keyColumnName = (path: string): string => `k:${escapeCase(path)}`;

export const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export const sqlString = (text: string): string => `'${text.replace(/'/g, "''")}'`;
