import type { Router } from 'express';
import type { Registry } from 'prom-client';

/**
 * Prometheus text exposition. Unauthenticated like /healthz: it names no
 * customer, order or product, only counts and timings; keep it off the public
 * edge (scrape it on the internal network).
 */
export function metricsRoutes(router: Router, registry: Registry): void {
  router.get('/metrics', async (_req, res, next) => {
    try {
      const text = await registry.metrics();
      res.type(registry.contentType).send(text);
    } catch (error) {
      next(error);
    }
  });
}
