import { pino } from 'pino';
import type { Config } from './config.js';
import { startEngine } from './engine.js';

/** How long requests in flight get to finish after SIGTERM before their connections are cut. */
const SHUTDOWN_GRACE_MS = 20_000;

/**
 * Starts the engine and serves HTTP until SIGTERM or SIGINT, then closes the
 * server and the engine and exits (what `npm start` and `commerce serve` run).
 */
export async function serve(config: Config): Promise<void> {
  const logger = pino({ level: config.logLevel });
  const engine = await startEngine(config, logger);
  if (engine.generatedStaffLogin) {
    const { email, password } = engine.generatedStaffLogin;
    process.stderr.write(
      `\nStaff account created: ${email} / ${password}\n(stored in ${config.dataDir}/admin-password; set ADMIN_EMAIL and ADMIN_PASSWORD to choose your own)\n\n`,
    );
  }
  const server = engine.app.listen(config.port, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info({ port, eventStore: engine.description }, 'commerce engine listening');
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Stop accepting; requests in flight finish, then their keep-alive connections close.
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const overdue = setTimeout(() => {
      logger.warn({ afterMs: SHUTDOWN_GRACE_MS }, 'requests still open; closing their connections');
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(overdue);
      // Processes finish their steps and save checkpoints; read models commit their batch.
      engine.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'engine did not stop cleanly');
          process.exit(1);
        },
      );
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
