import type { Command } from 'commander';
import { withOperations } from '../cli-stores.js';
import { instant, wholeNumber } from '../option-parsers.js';
import { printJson, table, truncate, writeOut } from '../render.js';

interface JsonOption {
  readonly json?: boolean;
}

export function streamsCommand(program: Command): void {
  const streams = program.command('streams').description('inspect the streams of the log');

  streams
    .command('list')
    .description('stream ids in id order with the revision of their last event')
    .option('--prefix <prefix>', 'only streams whose id starts with this, e.g. order-')
    .option('--limit <n>', 'streams per page', wholeNumber(1, 10_000), 50)
    .option('--cursor <streamId>', 'continue after this stream id (from the previous page)')
    .option('--json', 'print JSON')
    .action(async (options: JsonOption & { prefix?: string; limit: number; cursor?: string }) => {
      const listing = await withOperations((ops) =>
        ops.listStreams({
          limit: options.limit,
          ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
          ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
        }),
      );
      if (options.json) return printJson(listing);
      writeOut(
        table(
          ['STREAM', 'REVISION'],
          listing.items.map((s) => [s.streamId, s.revision]),
        ),
      );
      if (listing.nextCursor) writeOut(`\nMore: --cursor ${listing.nextCursor}`);
    });

  streams
    .command('show')
    .description("a stream's events with their metadata and log positions")
    .argument('<streamId>')
    .option('--from-revision <n>', 'first revision to show', wholeNumber())
    .option('--limit <n>', 'events per page', wholeNumber(1, 10_000), 100)
    .option('--json', 'print JSON (events in full)')
    .action(
      async (streamId: string, options: JsonOption & { fromRevision?: number; limit: number }) => {
        const page = await withOperations((ops) =>
          ops.showStream(streamId, {
            limit: options.limit,
            ...(options.fromRevision === undefined ? {} : { fromRevision: options.fromRevision }),
          }),
        );
        if (options.json) return printJson(page);
        writeOut(
          table(
            ['REV', 'POSITION', 'TYPE', 'OCCURRED AT', 'DATA'],
            page.items.map((e) => [
              e.revision,
              e.position,
              e.type,
              e.metadata.occurredAt ?? e.recordedAt,
              truncate(JSON.stringify(e.data), 70),
            ]),
          ),
        );
        if (page.nextCursor) writeOut(`\nMore: --from-revision ${page.nextCursor}`);
      },
    );

  streams
    .command('state')
    .description("an aggregate's state at a revision or a time (latest when neither is given)")
    .argument('<streamId>')
    .option('--revision <n>', 'state after this revision', wholeNumber())
    .option('--at <time>', 'state as of this time (ISO 8601)', instant)
    .option('--json', 'print JSON')
    .action(async (streamId: string, options: JsonOption & { revision?: number; at?: Date }) => {
      if (options.revision !== undefined && options.at !== undefined) {
        throw new Error('Give --revision or --at, not both');
      }
      const state = await withOperations((ops) =>
        ops.stateAt(
          streamId,
          options.revision !== undefined
            ? { revision: options.revision }
            : { at: options.at ?? new Date() },
        ),
      );
      if (options.json) return printJson(state);
      writeOut(`${state.streamId} (${state.aggregate}) at revision ${state.revision}`);
      writeOut(JSON.stringify(state.state, null, 2));
    });
}
