import express, { type Express } from 'express';
import type { EventStore } from '../stores/event-store.js';

export interface AppDeps {
  readonly eventStore: EventStore;
}

/** The HTTP app. Routes are thin: validate, build a command, handle, respond. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    try {
      const head = await deps.eventStore.headPosition();
      res.json({ status: 'ready', eventStore: { headPosition: head ?? null } });
    } catch (error) {
      res
        .status(503)
        .type('application/problem+json')
        .json({
          type: 'about:blank',
          title: 'Not ready',
          status: 503,
          code: 'NOT_READY',
          detail: `Event store unreachable: ${error instanceof Error ? error.message : String(error)}`,
        });
    }
  });

  return app;
}
