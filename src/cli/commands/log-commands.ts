import type { Command } from 'commander';
import { exportLog, exportLogToFile } from '../../ops/log-export.js';
import { importLog, importLogFile, numberedLines } from '../../ops/log-import.js';
import { withEventStore } from '../cli-stores.js';
import { withProgress } from '../progress-display.js';
import { printJson, writeErr, writeOut } from '../render.js';

export function logCommands(program: Command): void {
  program
    .command('export')
    .description('write the whole log as NDJSON, one event per line in global order')
    .argument('[file]', 'where to write it (stdout when left out)')
    .option('--json', 'print the summary as JSON (with a file)')
    .action(async (file: string | undefined, options: { json?: boolean }) => {
      const result = await withEventStore(({ eventStore }) =>
        withProgress('export', (onProgress) =>
          file === undefined
            ? exportLog(eventStore, process.stdout, { onProgress })
            : exportLogToFile(eventStore, file, { onProgress }),
        ),
      );
      if (file === undefined) return;
      if (options.json) return printJson({ file, ...result });
      writeOut(
        `Exported ${result.events} events to ${file} (up to position ${result.position ?? '-'})`,
      );
    });

  program
    .command('import')
    .description(
      'append an NDJSON export to an empty store, keeping order, event ids and metadata; a file is checked in full before anything is written',
    )
    .argument('[file]', 'the export to read (stdin when left out)')
    .option(
      '--resume',
      'import into a store that already holds events: events already stored (same ids) are skipped, so an interrupted import can be run again',
    )
    .option('--json', 'print the summary as JSON')
    .action(async (file: string | undefined, options: { json?: boolean; resume?: boolean }) => {
      if (file === undefined && process.stdin.isTTY) {
        throw new Error('Give the export file, or pipe it in: commerce import < log.ndjson');
      }
      const resume = options.resume === true;
      const result = await withEventStore(({ eventStore }) =>
        withProgress('import', (onProgress) =>
          file === undefined
            ? importLog(eventStore, numberedLines(process.stdin), { resume, onProgress })
            : importLogFile(eventStore, file, { resume, onProgress }),
        ),
      );
      if (options.json) return printJson(result);
      const skipped =
        result.skipped > 0 ? ` (${result.skipped} checkpoint events of the source left out)` : '';
      writeOut(`Imported ${result.events - result.skipped} events${skipped}`);
      if (result.events === 0) writeErr('The export held no events');
    });
}
