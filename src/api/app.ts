import express, { type Express, type Request } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../errors.js';
import type { ApiDeps } from './api-deps.js';
import type { Principal } from './auth/principal.js';
import { OpenApiRegistry } from './openapi.js';
import { problemMiddleware } from './problem.js';
import type { RouteDeps } from './route.js';
import { identityRoutes } from './routes/identity-routes.js';
import { catalogRoutes } from './routes/catalog-routes.js';
import { inventoryRoutes } from './routes/inventory-routes.js';
import { promotionRoutes } from './routes/promotion-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { metricsRoutes } from './routes/metrics-routes.js';
import { orderRoutes } from './routes/order-routes.js';
import { cartRoutes } from './routes/cart-routes.js';
import { reviewRoutes } from './routes/review-routes.js';
import { catalogQueryRoutes } from './routes/catalog-query-routes.js';
import { historyRoutes } from './routes/history-routes.js';
import { reportRoutes } from './routes/report-routes.js';
import { analyticsRoutes } from './routes/analytics-routes.js';
import { opsRoutes } from './routes/ops-routes.js';
import { opsDataRoutes } from './routes/ops-data-routes.js';

export const BODY_LIMIT = '64kb';
/** How long a query waits for `X-Min-Position` unless ApiDeps says otherwise. */
export const DEFAULT_CONSISTENCY_WAIT_MS = 5000;

const correlationHeader = /^[A-Za-z0-9._:-]{1,100}$/;
const hasBody = (req: Request) =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/** The HTTP app. Routes are thin: validate -> build command -> handle -> respond. */
export function createApp(deps: ApiDeps, logger: Logger): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(helmet());
  app.use(
    pinoHttp({
      logger,
      // Scrapes and liveness probes arrive every few seconds; they would drown the log.
      autoLogging: { ignore: (req) => req.url === '/metrics' || req.url === '/healthz' },
      genReqId: (req, res) => {
        const given = req.headers['x-correlation-id'];
        const id = typeof given === 'string' && correlationHeader.test(given) ? given : uuidv7();
        res.setHeader('X-Correlation-Id', id);
        return id;
      },
      customProps: (req) => ({ correlationId: (req as { id?: unknown }).id }),
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
    }),
  );
  app.use((req, _res, next) => {
    if (hasBody(req) && !req.is('application/json')) {
      next(new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json'));
    } else next();
  });
  app.use(express.json({ limit: BODY_LIMIT, strict: true, type: 'application/json' }));

  const router = express.Router();
  const registry = new OpenApiRegistry();
  const routeDeps: RouteDeps = {
    router,
    registry,
    once: deps.once,
    authenticate: async (req): Promise<Principal | undefined> => {
      const header = req.get('Authorization');
      if (header === undefined) return undefined;
      const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
      const principal = match?.[1] ? await deps.tokens.verify(match[1]) : undefined;
      if (!principal)
        throw new AppError('UNAUTHENTICATED', 'The access token is invalid or expired');
      return principal;
    },
    waitForPosition: (readModel, position, timeoutMs) =>
      deps.readModels.waitFor(readModel, position, timeoutMs),
    consistencyWaitMs: deps.consistencyWaitMs ?? DEFAULT_CONSISTENCY_WAIT_MS,
  };
  healthRoutes(router, deps);
  metricsRoutes(router, deps.metrics);
  identityRoutes(routeDeps, deps);
  catalogRoutes(routeDeps, deps);
  inventoryRoutes(routeDeps, deps);
  promotionRoutes(routeDeps, deps);
  orderRoutes(routeDeps, deps);
  cartRoutes(routeDeps, deps);
  reviewRoutes(routeDeps, deps);
  catalogQueryRoutes(routeDeps, deps);
  historyRoutes(routeDeps, deps);
  reportRoutes(routeDeps, deps);
  analyticsRoutes(routeDeps, deps);
  opsRoutes(routeDeps, deps);
  opsDataRoutes(routeDeps, deps);
  router.get('/v1/openapi.json', (_req, res) => {
    res.json(registry.document({ title: 'Commerce engine API', version: '1' }));
  });
  app.use(router);
  app.use((req, _res, next) =>
    next(new AppError('NOT_FOUND', `No route for ${req.method} ${req.path}`)),
  );
  app.use(problemMiddleware(logger));
  return app;
}
