import { pino } from 'pino';
import type { Config } from './config.js';
import { startEngine } from './engine.js';

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
    server.close(() => {
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
