import { z } from 'zod';
import { AppError } from '../../errors.js';
import { ReadStoreLimitError } from '../../stores/read-store.js';
import { ANALYTICS_COLLECTIONS, checkPipeline } from '../analytics/pipeline-guard.js';
import type { ApiDeps } from '../api-deps.js';
import { route, type RouteDeps } from '../route.js';

/** Bounds of one analytics query. */
export const ANALYTICS_MAX_TIME_MS = 2000;
export const ANALYTICS_MAX_RESULTS = 1000;

const analyticsBody = z.strictObject({
  collection: z
    .string()
    .max(100)
    .describe(`One of the read models: ${ANALYTICS_COLLECTIONS.join(', ')}`),
  pipeline: z
    .array(z.unknown())
    .describe('MongoDB aggregation stages; read-only stages only ($out, $merge, ... refused)'),
});

/**
 * Errors with which a store refuses a pipeline it cannot run (an unknown
 * operator, a bad `$group`, an invalid regex): the analyst's mistake, not
 * the engine's. The embedded store's evaluator (mingo) throws MingoError and
 * the built-in errors of bad arguments; MongoDB answers with a server error.
 */
function isRefusedPipeline(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  const kind = error.constructor.name;
  return (
    kind === 'MingoError' ||
    error.name === 'MingoError' ||
    error.name === 'MongoServerError' ||
    error.name === 'InvalidQueryError' ||
    error instanceof TypeError ||
    error instanceof RangeError ||
    error instanceof SyntaxError
  );
}

/** Read-only aggregations over a read model, for analysts. */
export function analyticsRoutes(r: RouteDeps, deps: ApiDeps): void {
  route(r, {
    method: 'post',
    path: '/v1/analytics/query',
    summary: `Run a read-only aggregation over a read model (at most ${ANALYTICS_MAX_TIME_MS} ms and ${ANALYTICS_MAX_RESULTS} results)`,
    tag: 'analytics',
    access: ['analyst'],
    // X-Min-Position waits for the read model queried; an unknown one or a refused pipeline is a 400.
    readModel: ({ body }) => checkPipeline(body.collection, body.pipeline).collection,
    body: analyticsBody,
    responses: {
      200: {
        description: 'The aggregation result',
        schema: z.object({ items: z.array(z.record(z.string(), z.unknown())) }),
      },
    },
    async handle({ body }) {
      const { collection, pipeline } = checkPipeline(body.collection, body.pipeline);
      try {
        const items = await deps.readStore.collection(collection).aggregate(pipeline, {
          maxTimeMs: ANALYTICS_MAX_TIME_MS,
          maxResults: ANALYTICS_MAX_RESULTS,
        });
        return { status: 200, body: { items } };
      } catch (error) {
        if (error instanceof ReadStoreLimitError) {
          throw new AppError(
            'QUERY_LIMIT_EXCEEDED',
            `The query went past its limits (${ANALYTICS_MAX_TIME_MS} ms, ${ANALYTICS_MAX_RESULTS} results): ${error.message}. Narrow it with $match, $group or $limit.`,
            { maxTimeMs: ANALYTICS_MAX_TIME_MS, maxResults: ANALYTICS_MAX_RESULTS },
          );
        }
        if (isRefusedPipeline(error)) {
          throw new AppError('VALIDATION_FAILED', 'The pipeline could not be run', {
            errors: [{ path: 'body.pipeline', message: error.message }],
          });
        }
        throw error;
      }
    },
  });
}
