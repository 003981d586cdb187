import type { Request, Response, Router } from 'express';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { CommandContext } from '../commands/command-result.js';
import type { RunOnce } from '../commands/run-once.js';
import { AppError } from '../errors.js';
import type { Role } from '../events/customer.js';
import { derivedEventId } from '../events/event-ids.js';
import { isPosition } from '../stores/position.js';
import type { Principal } from './auth/principal.js';
import type { OpenApiRegistry } from './openapi.js';
import { parse } from './validation.js';

export type Access = 'anyone' | 'signedIn' | readonly Role[];

export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
  /** Stream revision of the resource, sent as ETag. */
  readonly revision?: number;
  /** Log position of the command's last event, sent as X-Position. */
  readonly position?: string | undefined;
  /** Sends `body` (a string) as-is with this Content-Type instead of JSON, e.g. `text/csv`. */
  readonly contentType?: string;
  /** More response headers (Vary, Content-Disposition, ...). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** What a route's `readModel` function is given: the validated request. */
export interface RouteInput<B, Q, P> {
  readonly body: B;
  readonly query: Q;
  readonly params: P;
}

export interface RouteContext<B, Q, P> {
  readonly body: B;
  readonly query: Q;
  readonly params: P;
  readonly principal: Principal | undefined;
  /** Revision required by If-Match, when sent. */
  readonly ifMatch: number | undefined;
  /** A new id; stable across repeats of the same Idempotency-Key. */
  newId(): string;
  /**
   * Context for one command of the request, keyed when the request is. The
   * command on the resource the request addresses is `conditional`: it alone
   * carries the If-Match revision.
   */
  command(step: string, options?: { readonly conditional?: boolean }): CommandContext;
  readonly req: Request;
}

export interface RouteSpec<B, Q, P> {
  readonly method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly access: Access;
  readonly body?: z.ZodType<B>;
  readonly query?: z.ZodType<Q>;
  readonly params?: z.ZodType<P>;
  readonly responses: Readonly<Record<number, { description: string; schema?: z.ZodType }>>;
  /**
   * The read model(s) the handler reads. With `X-Min-Position`, the handler
   * runs only once they have applied everything up to that position (503
   * CONSISTENCY_TIMEOUT after the consistency wait). A function picks them
   * from the validated request (and may refuse it by throwing).
   */
  readonly readModel?:
    string | readonly string[] | ((input: RouteInput<B, Q, P>) => string | readonly string[]);
  handle(context: RouteContext<B, Q, P>): Promise<RouteResult>;
}

export interface RouteDeps {
  readonly router: Router;
  readonly registry: OpenApiRegistry;
  readonly once: RunOnce;
  readonly authenticate: (req: Request) => Promise<Principal | undefined>;
  /** Resolves once the read model has applied everything up to `position`; rejects after `timeoutMs`. */
  readonly waitForPosition: (
    readModel: string,
    position: string,
    timeoutMs: number,
  ) => Promise<void>;
  /** How long a query waits for its read model to reach `X-Min-Position` (5 s in production). */
  readonly consistencyWaitMs: number;
}

const ifMatchHeader = z
  .string()
  .regex(/^(W\/)?"?\d{1,15}"?$/, 'If-Match must be a revision in quotes, e.g. "3"')
  .transform((v) => Number(v.replace(/\D/g, '')));
const idempotencyKeyHeader = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII');

const minPositionHeader = z.strictObject({
  'x-min-position': z
    .string()
    .refine(isPosition, 'X-Min-Position must be a log position, as X-Position answered it'),
});

/** Codes a read model's wait rejects with, as the HTTP layer answers them. */
function consistencyError(error: unknown, readModel: string, position: string, waitMs: number) {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'PROJECTION_WAIT_TIMEOUT') {
    return new AppError(
      'CONSISTENCY_TIMEOUT',
      `The ${readModel} read model has not reached position ${position} within ${waitMs} ms; retry later`,
      { readModel, position },
    );
  }
  if (code === 'PROJECTION_STOPPED') {
    return new AppError('NOT_READY', `The ${readModel} read model is not running`, { readModel });
  }
  return error;
}

/**
 * Read-your-writes: with `X-Min-Position`, waits (bounded) until every read
 * model the route reads has applied that position. Without it, answers at once.
 */
async function awaitReadModels<B, Q, P>(
  deps: RouteDeps,
  spec: RouteSpec<B, Q, P>,
  req: Request,
  input: RouteInput<B, Q, P>,
): Promise<void> {
  if (spec.readModel === undefined) return;
  const raw = req.get('X-Min-Position');
  if (raw === undefined) return;
  const position = parse(minPositionHeader, { 'x-min-position': raw }, 'headers')['x-min-position'];
  const chosen = typeof spec.readModel === 'function' ? spec.readModel(input) : spec.readModel;
  const names: readonly string[] = typeof chosen === 'string' ? [chosen] : chosen;
  const waitMs = deps.consistencyWaitMs;
  await Promise.all(
    names.map((name) =>
      deps.waitForPosition(name, position, waitMs).catch((error: unknown) => {
        throw consistencyError(error, name, position, waitMs);
      }),
    ),
  );
}

function authorise(access: Access, principal: Principal | undefined): void {
  if (access === 'anyone') return;
  if (!principal)
    throw new AppError('UNAUTHENTICATED', 'Sign in: send Authorization: Bearer <token>');
  if (access === 'signedIn') return;
  if (!access.some((role) => principal.roles.includes(role))) {
    throw new AppError('FORBIDDEN', `This needs the role ${access.join(' or ')}`);
  }
}

function send(res: Response, result: RouteResult): void {
  if (result.revision !== undefined && result.revision >= 0)
    res.setHeader('ETag', `"${result.revision}"`);
  if (result.position !== undefined) res.setHeader('X-Position', result.position);
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
  if (result.body === undefined) res.status(result.status).end();
  else if (result.contentType !== undefined) {
    res.status(result.status).type(result.contentType).send(String(result.body));
  } else res.status(result.status).json(result.body);
}

/**
 * Mounts a route and documents it. The request is authorised and validated
 * before the handler runs; a POST with an Idempotency-Key runs once per key
 * and caller, and repeats get the first answer (also after a restart).
 */
export function route<B = undefined, Q = undefined, P = undefined>(
  deps: RouteDeps,
  spec: RouteSpec<B, Q, P>,
): void {
  deps.registry.add(spec);
  deps.router[spec.method](spec.path, async (req, res, next) => {
    try {
      const principal = await deps.authenticate(req);
      authorise(spec.access, principal);
      const params = spec.params ? parse(spec.params, req.params, 'params') : (undefined as P);
      const query = spec.query ? parse(spec.query, req.query, 'query') : (undefined as Q);
      const body = spec.body ? parse(spec.body, req.body ?? {}, 'body') : (undefined as B);
      const ifMatchRaw = req.get('If-Match');
      const ifMatch =
        ifMatchRaw === undefined ? undefined : parse(ifMatchHeader, ifMatchRaw, 'headers');
      const keyRaw = spec.method === 'post' ? req.get('Idempotency-Key') : undefined;
      const key = keyRaw === undefined ? undefined : parse(idempotencyKeyHeader, keyRaw, 'headers');
      await awaitReadModels(deps, spec, req, { body, query, params });
      const correlationId = String((req as { id?: unknown }).id ?? uuidv7());

      const payload = { method: spec.method, path: req.path, body: req.body ?? null, ifMatch };
      const run = (seed: string | undefined, scope: string | undefined) => {
        let counter = 0;
        return spec.handle({
          body,
          query,
          params,
          principal,
          ifMatch,
          req,
          newId: () => (seed ? derivedEventId(seed, 1000 + counter++) : uuidv7()),
          command: (step, options) => ({
            actor: principal?.id ?? 'anonymous',
            correlationId,
            ...(scope ? { idempotencyKey: `${scope}:${step}`, idempotencyPayload: payload } : {}),
            ...(options?.conditional && ifMatch !== undefined ? { expectedRevision: ifMatch } : {}),
          }),
        });
      };
      if (!key) {
        send(res, await run(undefined, undefined));
        return;
      }
      const scope = `http:${principal?.id ?? 'anonymous'}:${key}`;
      send(res, await deps.once.run(scope, payload, ({ seed }) => run(seed, scope)));
    } catch (error) {
      next(error);
    }
  });
}
