import { ErrorType } from '@kurrent/kurrentdb-client';
import { WrongExpectedRevisionError, type ExpectedRevision } from '../event-store.js';
import { InvalidPositionError } from '../position.js';

/** gRPC status codes that no retry can fix. */
const PERMANENT_GRPC_CODES = new Set([
  3, // INVALID_ARGUMENT
  7, // PERMISSION_DENIED
  12, // UNIMPLEMENTED
  16, // UNAUTHENTICATED
]);

const PERMANENT_ERROR_TYPES = new Set<string>([
  ErrorType.ACCESS_DENIED,
  ErrorType.INVALID_ARGUMENT,
  ErrorType.UNSUPPORTED,
  ErrorType.STREAM_DELETED,
  ErrorType.STREAM_TOMBSTONED,
]);

function field(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null
    ? (error as Record<string, unknown>)[name]
    : undefined;
}

/** The client's error `type` (its classes may come from another copy of the package). */
export function clientErrorType(error: unknown): string | undefined {
  const type = field(error, 'type');
  return typeof type === 'string' ? type : undefined;
}

export function isStreamNotFound(error: unknown): boolean {
  return clientErrorType(error) === ErrorType.STREAM_NOT_FOUND;
}

/** Maps the client's WrongExpectedVersion error to the port's; undefined for anything else. */
export function toWrongExpectedRevision(
  error: unknown,
  streamId: string,
  expected: ExpectedRevision,
): WrongExpectedRevisionError | undefined {
  if (clientErrorType(error) !== ErrorType.WRONG_EXPECTED_VERSION) return undefined;
  return new WrongExpectedRevisionError(
    streamId,
    expected,
    toActualRevision(field(error, 'actualState')),
  );
}

/** Current stream state as reported by the server: a revision, or 'no_stream' (also for -1). */
export function toActualRevision(state: unknown): number | 'no_stream' {
  if (typeof state === 'bigint' && state >= 0n && state <= BigInt(Number.MAX_SAFE_INTEGER)) {
    return Number(state);
  }
  if (typeof state === 'number' && Number.isSafeInteger(state) && state >= 0) return state;
  return 'no_stream';
}

export function mapAppendError(
  error: unknown,
  streamId: string,
  expected: ExpectedRevision,
): unknown {
  return toWrongExpectedRevision(error, streamId, expected) ?? error;
}

/**
 * Whether a dropped subscription should be re-opened: connection loss, server
 * restarts, leader changes and timeouts are; bad requests, missing rights and
 * local decoding bugs are not.
 */
export function isTransientError(error: unknown): boolean {
  if (
    error instanceof InvalidPositionError ||
    error instanceof RangeError ||
    error instanceof TypeError
  ) {
    return false;
  }
  const type = clientErrorType(error);
  if (type !== undefined && PERMANENT_ERROR_TYPES.has(type)) return false;
  const code = field(error, 'code');
  if (typeof code === 'number' && PERMANENT_GRPC_CODES.has(code)) return false;
  return true;
}
