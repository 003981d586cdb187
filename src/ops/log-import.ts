import fs from 'node:fs';
import readline from 'node:readline';
import type { Readable } from 'node:stream';
import { AppError } from '../errors.js';
import { CHECKPOINT_CATEGORY } from '../processes/checkpoints.js';
import {
  WrongExpectedRevisionError,
  streamCategory,
  type EventStore,
  type EventToAppend,
} from '../stores/event-store.js';
import { invalidLine, parseLogLine, type LogLine } from './log-line.js';
import type { ProgressListener } from './progress.js';

export interface ImportOptions {
  /**
   * Import into a store that already holds events. Events whose ids are
   * stored already are skipped (so an interrupted import can simply be run
   * again); the rest are appended with their revisions checked.
   */
  readonly resume?: boolean;
  readonly onProgress?: ProgressListener;
  /** The number of events expected, when known (for progress). */
  readonly total?: number;
  /** Most events in one append (default 500). */
  readonly batchSize?: number;
  /**
   * Most appends in flight at once (default 32), used only with a store that
   * commits appends in the order they were made; otherwise one at a time.
   */
  readonly inFlight?: number;
}

export interface ImportResult {
  /** Event lines read. */
  readonly events: number;
  /** Checkpoint events left out: they hold positions of the source store. */
  readonly skipped: number;
  /** Position of the last event appended, if any. */
  readonly position: string | null;
}

const MAX_BATCH_BYTES = 4 * 1024 * 1024;

/** The non-blank lines of a text stream with their line numbers (from 1). */
export async function* numberedLines(input: Readable): AsyncGenerator<[number, string]> {
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line += 1;
      if (text.trim() !== '') yield [line, text];
    }
  } finally {
    lines.close();
  }
}

/** The non-blank lines of a file; the file is closed however reading ends. */
export async function* fileLines(file: string): AsyncGenerator<[number, string]> {
  const input = fs.createReadStream(file);
  try {
    yield* numberedLines(input);
  } finally {
    input.destroy();
  }
}

/** Checks every line of an export without writing anything; returns the event count. */
export async function validateLog(lines: AsyncIterable<[number, string]>): Promise<number> {
  const order = new RevisionOrder();
  let events = 0;
  for await (const [line, text] of lines) {
    order.check(parseLogLine(text, line), line);
    events += 1;
  }
  return events;
}

/** Refuses to import into a store that has events, unless resuming. */
export async function assertImportable(eventStore: EventStore, resume: boolean): Promise<void> {
  if (resume || (await eventStore.headPosition()) === undefined) return;
  throw new AppError(
    'STORE_NOT_EMPTY',
    'The target event store already holds events: import into an empty store, or resume an interrupted import of the same file',
  );
}

/**
 * Appends the events of an NDJSON export in file order, keeping their stream
 * ids, revisions, event ids and metadata. Consecutive events of one stream go
 * in one append with the expected revision, in bounded batches; lines are
 * read as the appends complete, so memory stays constant. A bad line stops
 * the import with its line number; what was appended before it stays, and
 * because event ids make appends idempotent, the fixed file can be imported
 * again with `resume`.
 */
export async function importLog(
  eventStore: EventStore,
  lines: AsyncIterable<[number, string]>,
  options: ImportOptions = {},
): Promise<ImportResult> {
  await assertImportable(eventStore, options.resume ?? false);
  const batchSize = options.batchSize ?? 500;
  // Several appends in flight share the embedded store's group commits; only
  // a store that commits them in call order may have more than one.
  // A resumed import may find part of a batch stored and then appends the
  // rest late, so it runs one append at a time to keep the order.
  const resume = options.resume ?? false;
  const inFlight = eventStore.appendsInCallOrder && !resume ? (options.inFlight ?? 32) : 1;
  const order = new RevisionOrder();
  const pending: { appended: Promise<string>; events: number }[] = [];
  let batch: Batch | undefined;
  let events = 0;
  let skipped = 0;
  let imported = 0;
  let position: string | null = null;
  const progress = () =>
    options.onProgress?.({ processed: imported, total: Math.max(options.total ?? 0, events) });

  const settleOldest = async () => {
    const oldest = pending.shift();
    if (!oldest) return;
    position = await oldest.appended;
    imported += oldest.events;
    progress();
  };
  const flush = async () => {
    if (!batch) return;
    const appended = append(eventStore, batch, resume);
    appended.catch(() => undefined);
    pending.push({ appended, events: batch.events.length });
    batch = undefined;
    while (pending.length >= inFlight) await settleOldest();
  };

  const parse = async (text: string, line: number) => {
    try {
      const event = parseLogLine(text, line);
      order.check(event, line);
      return event;
    } catch (error) {
      // Everything before the bad line goes in, so a fixed file can be resumed.
      await flush();
      while (pending.length > 0) await settleOldest();
      throw error;
    }
  };

  progress();
  try {
    for await (const [line, text] of lines) {
      const event = await parse(text, line);
      events += 1;
      if (streamCategory(event.streamId) === CHECKPOINT_CATEGORY) {
        skipped += 1;
        imported += 1;
        continue;
      }
      const size = text.length;
      if (
        batch &&
        batch.streamId === event.streamId &&
        batch.fromRevision + batch.events.length === event.revision &&
        batch.events.length < batchSize &&
        batch.bytes + size <= MAX_BATCH_BYTES
      ) {
        batch.events.push(toAppend(event));
        batch.bytes += size;
        continue;
      }
      await flush();
      batch = {
        streamId: event.streamId,
        fromRevision: event.revision,
        firstLine: line,
        events: [toAppend(event)],
        bytes: size,
      };
    }
    await flush();
    while (pending.length > 0) await settleOldest();
  } finally {
    await Promise.allSettled(pending.map((p) => p.appended));
  }
  return { events, skipped, position };
}

/** Validates the whole file first, so a bad line imports nothing; then imports it. */
export async function importLogFile(
  eventStore: EventStore,
  file: string,
  options: Omit<ImportOptions, 'total'> = {},
): Promise<ImportResult> {
  await assertImportable(eventStore, options.resume ?? false);
  const total = await validateLog(fileLines(file));
  return importLog(eventStore, fileLines(file), { ...options, total });
}

interface Batch {
  readonly streamId: string;
  readonly fromRevision: number;
  readonly firstLine: number;
  readonly events: EventToAppend[];
  bytes: number;
}

const toAppend = (event: LogLine): EventToAppend => ({
  eventId: event.eventId,
  type: event.type,
  data: event.data,
  metadata: event.metadata,
});

async function append(eventStore: EventStore, batch: Batch, resume: boolean): Promise<string> {
  const { streamId, fromRevision, firstLine, events } = batch;
  try {
    return await appendFrom(eventStore, streamId, fromRevision, events);
  } catch (error) {
    if (!(error instanceof WrongExpectedRevisionError)) throw error;
    const stored = resume ? await storedPrefix(eventStore, batch) : 0;
    if (stored > 0) {
      const rest = events.slice(stored);
      if (rest.length > 0) return appendFrom(eventStore, streamId, fromRevision + stored, rest);
      const [last] = await eventStore.readStream(streamId, {
        fromRevision: fromRevision + stored - 1,
        limit: 1,
      });
      if (last) return last.position;
    }
    const actual =
      error.actual === 'no_stream' ? 'has no events' : `is at revision ${error.actual}`;
    throw new AppError(
      'IMPORT_CONFLICT',
      `Line ${firstLine}: stream ${streamId} ${actual} in the target store, but the file continues it at revision ${fromRevision}`,
      { line: firstLine, streamId },
    );
  }
}

const appendFrom = async (
  eventStore: EventStore,
  streamId: string,
  fromRevision: number,
  events: readonly EventToAppend[],
): Promise<string> =>
  (
    await eventStore.appendToStream(streamId, events, {
      expectedRevision: fromRevision === 0 ? 'no_stream' : fromRevision - 1,
    })
  ).position;

/** How many of the batch's first events the stream already holds, with the same ids. */
async function storedPrefix(eventStore: EventStore, batch: Batch): Promise<number> {
  const stored = await eventStore.readStream(batch.streamId, {
    fromRevision: batch.fromRevision,
    limit: batch.events.length,
  });
  let same = 0;
  while (same < stored.length && stored[same]?.eventId === batch.events[same]?.eventId) same += 1;
  return same === stored.length ? same : 0;
}

/**
 * Within a run of lines of one stream, revisions must count up by one. (Across
 * runs the store checks them: each append carries its expected revision.)
 */
class RevisionOrder {
  private last: { streamId: string; revision: number } | undefined;

  check(event: LogLine, line: number): void {
    const last = this.last;
    if (last && last.streamId === event.streamId && event.revision !== last.revision + 1) {
      throw invalidLine(
        line,
        `stream ${event.streamId} goes from revision ${last.revision} to ${event.revision}`,
      );
    }
    this.last = { streamId: event.streamId, revision: event.revision };
  }
}
