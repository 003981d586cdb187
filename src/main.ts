import { ConfigError, loadConfig } from './config.js';
import { serve } from './server.js';
import { tuneV8 } from './v8-tuning.js';

tuneV8();

Promise.resolve()
  .then(() => serve(loadConfig(process.env)))
  .catch((error: unknown) => {
    const message =
      error instanceof ConfigError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    process.stderr.write(`${message}\n`);
    process.exit(1);
  });
