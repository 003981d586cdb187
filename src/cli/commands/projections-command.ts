import type { Command } from 'commander';
import { PROJECTIONS } from '../../projections/read-models.js';
import { withOperations } from '../cli-stores.js';
import { withProgress } from '../progress-display.js';
import { printJson, table, writeErr, writeOut } from '../render.js';

interface JsonOption {
  readonly json?: boolean;
}

/** Exit code of `projections verify` when the read model differs from a fresh rebuild. */
export const DIFFERENCES_FOUND = 2;

const names = PROJECTIONS.map((p) => p.name).join(', ');

export function projectionsCommand(program: Command): void {
  const projections = program
    .command('projections')
    .description(`inspect, rebuild, replay and verify the read models (${names})`);

  projections
    .command('status')
    .description('position, lag, status and dead letters of every read model')
    .option('--json', 'print JSON')
    .action(async (options: JsonOption) => {
      const overview = await withOperations((ops) => ops.projections());
      if (options.json) return printJson(overview);
      writeOut(
        table(
          ['NAME', 'POSITION', 'LAG', 'STATUS', 'DEAD LETTERS'],
          overview.map((p) => [p.name, p.position, p.lagEvents, p.status, p.deadLetters]),
        ),
      );
    });

  projections
    .command('rebuild')
    .description('rebuild a read model from the log into a shadow collection and swap it in')
    .argument('<name>', names)
    .option('--json', 'print JSON')
    .action(async (name: string, options: JsonOption) => {
      const result = await withOperations((ops) =>
        withProgress(`rebuild ${name}`, (onProgress) => ops.rebuild(name, onProgress)),
      );
      if (options.json) return printJson(result);
      writeOut(
        `Rebuilt ${result.name} from ${result.events} events; live at position ${result.position ?? '-'}`,
      );
    });

  projections
    .command('replay')
    .description("re-apply one stream's events to a read model")
    .argument('<name>', names)
    .argument('<streamId>')
    .option('--json', 'print JSON')
    .action(async (name: string, streamId: string, options: JsonOption) => {
      const result = await withOperations((ops) =>
        withProgress(`replay ${streamId}`, (onProgress) => ops.replay(name, streamId, onProgress)),
      );
      if (options.json) return printJson(result);
      writeOut(`Replayed ${result.streamId} into ${result.name}: ${result.documents} documents`);
    });

  projections
    .command('verify')
    .description(
      `compare a read model with a fresh rebuild (exit code ${DIFFERENCES_FOUND} when they differ)`,
    )
    .argument('<name>', names)
    .option('--json', 'print JSON')
    .action(async (name: string, options: JsonOption) => {
      const result = await withOperations((ops) =>
        withProgress(`verify ${name}`, (onProgress) => ops.verify(name, onProgress)),
      );
      if (result.differences.length > 0) process.exitCode = DIFFERENCES_FOUND;
      if (options.json) return printJson(result);
      const at = `${result.documents} documents at position ${result.position ?? '-'}`;
      if (result.differences.length === 0) {
        writeOut(`${result.name} matches a fresh rebuild (${at})`);
        return;
      }
      writeOut(
        table(
          ['COLLECTION', 'ID'],
          result.differences.slice(0, 50).map((d) => [d.collection, d.id]),
        ),
      );
      writeErr(
        `${result.name} differs from a fresh rebuild in ${result.differences.length} documents (${at})`,
      );
    });
}
