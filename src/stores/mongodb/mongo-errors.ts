import { ReadStoreLimitError } from '../read-store.js';

/** Server error codes this adapter reacts to. */
export const MONGO_ERROR_CODES = {
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  MaxTimeMSExpired: 50,
  DuplicateKey: 11000,
} as const;

/** The server's numeric error code (the driver's classes may come from another copy of the package). */
export function serverErrorCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = Number((error as { code?: unknown }).code);
  return Number.isInteger(code) ? code : undefined;
}

export function isDuplicateKeyError(error: unknown): boolean {
  const code = serverErrorCode(error);
  return code === MONGO_ERROR_CODES.DuplicateKey || code === 11001;
}

export function isNamespaceNotFound(error: unknown): boolean {
  return serverErrorCode(error) === MONGO_ERROR_CODES.NamespaceNotFound;
}

export function isMaxTimeExpired(error: unknown): boolean {
  return serverErrorCode(error) === MONGO_ERROR_CODES.MaxTimeMSExpired;
}

/** A standalone server refusing a session transaction: nothing was applied. */
export function isTransactionUnsupported(error: unknown): boolean {
  return (
    serverErrorCode(error) === MONGO_ERROR_CODES.IllegalOperation &&
    error instanceof Error &&
    /transaction numbers/i.test(error.message)
  );
}

/** Maps the server's time limit to the port's error; anything else passes through. */
export function mapReadError(error: unknown, collection: string): unknown {
  if (!isMaxTimeExpired(error)) return error;
  return new ReadStoreLimitError(`Query on ${collection} ran past its time limit`);
}

export { InvalidQueryError, InvalidWriteError } from '../read-store.js';
