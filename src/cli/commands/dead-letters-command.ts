import type { Command } from 'commander';
import { withOperations } from '../cli-stores.js';
import { printJson, table, truncate, writeErr, writeOut } from '../render.js';

interface JsonOption {
  readonly json?: boolean;
}

export function deadLettersCommand(program: Command): void {
  const deadLetters = program
    .command('dead-letters')
    .description('events a read model parked because applying them failed');

  deadLetters
    .command('list')
    .description('parked events with their error')
    .option('--projection <name>', 'only those of this read model')
    .option('--json', 'print JSON')
    .action(async (options: JsonOption & { projection?: string }) => {
      const letters = await withOperations((ops) => ops.deadLetters(options.projection));
      if (options.json) return printJson(letters);
      if (letters.length === 0) return writeOut('No dead letters');
      writeOut(
        table(
          ['ID', 'STREAM', 'REV', 'TYPE', 'ATTEMPTS', 'ERROR'],
          letters.map((l) => [
            l.id,
            l.streamId,
            l.revision,
            l.type,
            l.attempts,
            truncate(l.error, 60),
          ]),
        ),
      );
    });

  deadLetters
    .command('retry')
    .description('apply a parked event again; it leaves the list if it applies now')
    .argument('<id>')
    .option('--json', 'print JSON')
    .action(async (id: string, options: JsonOption) => {
      const outcome = await withOperations((ops) => ops.retryDeadLetter(id));
      if (!outcome.retried) process.exitCode = 1;
      if (options.json) return printJson(outcome);
      if (outcome.retried) writeOut(`Applied ${id}; it is no longer parked`);
      else writeErr(`${id} failed again and stays parked: ${outcome.error}`);
    });

  deadLetters
    .command('skip')
    .description('give up on a parked event (kept on record, never applied)')
    .argument('<id>')
    .option('--json', 'print JSON')
    .action(async (id: string, options: JsonOption) => {
      await withOperations((ops) => ops.skipDeadLetter(id));
      if (options.json) return printJson({ skipped: id });
      writeOut(`Skipped ${id}`);
    });
}
