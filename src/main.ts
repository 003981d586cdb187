import type { Server } from 'node:http';
import { pino } from 'pino';
import { createApp } from './api/app.js';
import { ConfigError, loadConfig } from './config.js';
import { openEventStore } from './stores/open-event-store.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = pino({ level: config.logLevel });
  const { eventStore, description } = await openEventStore(config);
  const app = createApp({ eventStore });
  const server: Server = app.listen(config.port, () => {
    logger.info({ port: config.port, eventStore: description }, 'commerce engine listening');
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      eventStore.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'event store did not close cleanly');
          process.exit(1);
        },
      );
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
