export { InvalidQueryError, InvalidWriteError } from '../read-store.js';

/** A unique index refusing a duplicate key (told by its code: SqliteError may come from another realm). */
export const isConstraintError = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  String((error as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT');
