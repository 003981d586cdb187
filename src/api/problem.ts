import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';

/** HTTP status per error code; any other AppError is a broken business rule (409). */
const STATUS: Readonly<Record<string, number>> = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  MIXED_CURRENCIES: 400,
  CURRENCY_MISMATCH: 400,
  EMPTY_ORDER: 400,
  INVALID_QUANTITY: 400,
  INVALID_PRICE: 400,
  INVALID_AMOUNT: 400,
  INVALID_TIME: 400,
  INVALID_RATING: 400,
  INVALID_REVIEW: 400,
  INVALID_PROMOTION: 400,
  INVALID_POSITION: 400,
  QUERY_LIMIT_EXCEEDED: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  REVIEW_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  CONCURRENCY_CONFLICT: 503,
  NOT_READY: 503,
  CONSISTENCY_TIMEOUT: 503,
};

const TITLES: Readonly<Record<number, string>> = {
  400: 'Invalid request',
  401: 'Not authenticated',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict with a business rule',
  412: 'Precondition failed',
  413: 'Request body too large',
  415: 'Unsupported media type',
  422: 'Idempotency key reused',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Service unavailable',
};

export const statusOf = (code: string): number => STATUS[code] ?? 409;

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly errors?: readonly { path: string; message: string }[];
}

export function problemOf(error: AppError): Problem {
  const status = statusOf(error.code);
  const { errors, ...rest } = (error.details ?? {}) as { errors?: Problem['errors'] };
  return {
    type: `urn:commerce:problem:${error.code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail: error.message,
    code: error.code,
    ...(errors ? { errors } : {}),
    ...(Object.keys(rest).length > 0 ? rest : {}),
  };
}

export function sendProblem(res: Response, problem: Problem): void {
  if (problem.status === 429 || problem.status === 503) res.setHeader('Retry-After', '1');
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

/** Translates what body parsing throws into the engine's one error type. */
function fromParser(error: unknown): AppError | undefined {
  const e = error as { type?: string; status?: number };
  if (e.type === 'entity.too.large')
    return new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large');
  if (e.type === 'entity.parse.failed')
    return new AppError('MALFORMED_JSON', 'The request body is not valid JSON');
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
    return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding');
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new AppError('VALIDATION_FAILED', 'The request could not be read');
  }
  return undefined;
}

/** The one error path: every error becomes problem+json here. */
export function problemMiddleware(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const known = error instanceof AppError ? error : fromParser(error);
    if (known) {
      sendProblem(res, problemOf(known));
      return;
    }
    logger.error({ err: error, method: req.method, url: req.originalUrl }, 'request failed');
    sendProblem(res, {
      type: 'urn:commerce:problem:internal',
      title: TITLES[500] ?? 'Internal error',
      status: 500,
      detail: 'The request could not be completed; it has been logged',
      code: 'INTERNAL',
    });
  };
}
