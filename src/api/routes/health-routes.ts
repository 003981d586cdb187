import type { Response, Router } from 'express';
import type { ApiDeps } from '../api-deps.js';
import { sendProblem } from '../problem.js';

export function healthRoutes(router: Router, deps: ApiDeps): void {
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    let head: string | undefined;
    try {
      head = await deps.eventStore.headPosition();
    } catch (error) {
      notReady(res, `Event store unreachable: ${describe(error)}`);
      return;
    }
    try {
      // Any read will do; the checkpoint of a name no projection uses is the smallest.
      await deps.readStore.checkpoint('readiness-probe');
    } catch (error) {
      notReady(res, `Read store unreachable: ${describe(error)}`);
      return;
    }
    const projections = [...deps.readModels.running.values()].map((p) => p.status());
    const starting = projections.filter((p) => p.status === 'starting' || p.status === 'failed');
    if (starting.length > 0) {
      notReady(
        res,
        `Read models not started: ${starting.map((p) => `${p.name} (${p.status})`).join(', ')}`,
      );
      return;
    }
    res.json({
      status: 'ready',
      eventStore: { reachable: true, headPosition: head ?? null },
      readStore: { reachable: true },
      projections: projections.map((p) => ({
        name: p.name,
        status: p.status,
        position: p.position,
      })),
    });
  });
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

function notReady(res: Response, detail: string): void {
  sendProblem(res, {
    type: 'urn:commerce:problem:not-ready',
    title: 'Service unavailable',
    status: 503,
    code: 'NOT_READY',
    detail,
  });
}
