import fs from 'node:fs';
import type { Writable } from 'node:stream';
import type { EventStore, Position, RecordedEvent } from '../stores/event-store.js';
import { comparePositions } from '../stores/position.js';
import { toLogLine } from './log-line.js';
import type { ProgressListener } from './progress.js';

export interface ExportResult {
  readonly events: number;
  /** Position of the last event written (the head when the export started). */
  readonly position: string | null;
}

export interface ExportOptions {
  readonly onProgress?: ProgressListener;
  /** Events read per page (default 1000). */
  readonly pageSize?: number;
}

/**
 * A guess at the number of events up to `head`: the embedded store's positions
 * count events (plain integers); other positions say nothing about counts.
 */
export const estimatedCount = (head: Position | undefined): number =>
  head !== undefined && /^\d{1,15}$/.test(head) ? Number(head) : 0;

/**
 * Writes the log, up to the head as it stood when the export started, to
 * `output` as NDJSON in global order: one page in memory at a time, and a page
 * is read only once the output has taken the previous one (backpressure). The
 * output is left open; the caller ends it.
 */
export async function exportLog(
  eventStore: EventStore,
  output: Writable,
  options: ExportOptions = {},
): Promise<ExportResult> {
  const head = await eventStore.headPosition();
  const total = estimatedCount(head);
  let events = 0;
  let position: Position | undefined;
  options.onProgress?.({ processed: 0, total });
  if (head === undefined) return { events, position: null };

  let failure: Error | undefined;
  const onError = (error: Error) => (failure ??= error);
  output.on('error', onError);
  try {
    for (;;) {
      const page = await eventStore.readAll({
        ...(position === undefined ? {} : { fromPosition: position }),
        limit: options.pageSize ?? 1000,
        // The log as it is: an import must store the same events, older versions included.
        asStored: true,
      });
      const upToHead: RecordedEvent[] = page.filter(
        (event) => comparePositions(event.position, head) <= 0,
      );
      if (upToHead.length === 0) break;
      if (failure) throw failure;
      const chunk = upToHead.map(toLogLine).join('');
      if (!output.write(chunk)) await drained(output, () => failure);
      events += upToHead.length;
      position = upToHead[upToHead.length - 1]?.position;
      options.onProgress?.({ processed: events, total: Math.max(total, events) });
      if (upToHead.length < page.length || position === head) break;
    }
  } finally {
    output.off('error', onError);
  }
  return { events, position: position ?? null };
}

/** Waits until the output takes more, failing if it errors or closes first. */
function drained(output: Writable, failed: () => Error | undefined): Promise<void> {
  const early = failed();
  if (early) return Promise.reject(early);
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      output.off('drain', onDrain).off('error', onError).off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onError = (error: Error) => settle(error);
    const onClose = () =>
      settle(failed() ?? new Error('The output was closed before the export finished'));
    output.on('drain', onDrain).on('error', onError).on('close', onClose);
  });
}

/**
 * Exports into `file` by way of a temporary file beside it, renamed into place
 * once complete: the file never holds half an export.
 */
export async function exportLogToFile(
  eventStore: EventStore,
  file: string,
  options: ExportOptions = {},
): Promise<ExportResult> {
  const partial = `${file}.partial`;
  const output = fs.createWriteStream(partial, { flags: 'w' });
  try {
    const result = await exportLog(eventStore, output, options);
    await new Promise<void>((resolve, reject) => {
      output.once('error', reject);
      output.end(() => resolve());
    });
    await fs.promises.rename(partial, file);
    return result;
  } catch (error) {
    output.destroy();
    await fs.promises.rm(partial, { force: true });
    throw error;
  }
}
