/** A query the embedded store will not run (a bad name, limit or path). Same code as the MongoDB adapter's. */
export class InvalidQueryError extends Error {
  readonly code = 'INVALID_QUERY';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidQueryError';
  }
}

/** A write the embedded store refuses; the whole batch is rolled back. Same code as the MongoDB adapter's. */
export class InvalidWriteError extends Error {
  readonly code = 'INVALID_WRITE';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidWriteError';
  }
}

/** A unique index refusing a duplicate key (told by its code: SqliteError may come from another realm). */
export const isConstraintError = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  String((error as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT');
