import type { Router } from 'express';
import type { ApiDeps } from '../api-deps.js';
import { sendProblem } from '../problem.js';

export function healthRoutes(router: Router, deps: ApiDeps): void {
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    try {
      const head = await deps.eventStore.headPosition();
      res.json({ status: 'ready', eventStore: { headPosition: head ?? null } });
    } catch (error) {
      sendProblem(res, {
        type: 'urn:commerce:problem:not-ready',
        title: 'Service unavailable',
        status: 503,
        code: 'NOT_READY',
        detail: `Event store unreachable: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  });
}
