import type { Command } from 'commander';
import { serve } from '../../server.js';
import { cliConfig } from '../cli-stores.js';

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'run the HTTP API, the read models and the fulfilment process (PORT, DATA_DIR, ...)',
    )
    .action(async () => {
      await serve(cliConfig());
      // Keeps running until SIGTERM or SIGINT.
      await new Promise<never>(() => undefined);
    });
}
