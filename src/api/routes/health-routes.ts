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
      const projections = [...deps.readModels.running.values()].map((p) => p.status());
      const starting = projections.filter((p) => p.status === 'starting' || p.status === 'failed');
      if (starting.length > 0) {
        sendProblem(res, {
          type: 'urn:commerce:problem:not-ready',
          title: 'Service unavailable',
          status: 503,
          code: 'NOT_READY',
          detail: `Read models not started: ${starting.map((p) => `${p.name} (${p.status})`).join(', ')}`,
        });
        return;
      }
      res.json({
        status: 'ready',
        eventStore: { headPosition: head ?? null },
        projections: projections.map((p) => ({
          name: p.name,
          status: p.status,
          position: p.position,
        })),
      });
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
