import type { EventStore, EventToAppend } from '../../../src/stores/event-store.js';
import type { LogEvent } from './commerce-log.js';

/** Appends issued together: the store's group commit writes each group in one transaction. */
const GROUP_EVENTS = 5_000;

export interface WrittenLog {
  readonly events: number;
  readonly streams: number;
  /** The position of the last event: where catch-up ends. */
  readonly head: string;
  readonly seconds: number;
  /** Events per type. */
  readonly types: Readonly<Record<string, number>>;
}

const toAppend = (e: LogEvent): EventToAppend => ({
  eventId: e.metadata.eventId,
  type: e.type,
  data: e.data,
  metadata: e.metadata as unknown as Record<string, unknown>,
});

/**
 * Writes the first `total` events of the simulated days through the store's
 * own `appendToStream`, in log order, each append with its stream's exact
 * expected revision. Consecutive events of one stream go in one append; up to
 * 5,000 events' appends are issued at once, so the writer thread commits them
 * as one group (two transactions of half the appends each, one fsync each) in
 * the order issued.
 */
export async function writeLog(
  store: EventStore,
  days: Iterable<LogEvent[]>,
  total: number,
  onProgress?: (written: number) => void,
): Promise<WrittenLog> {
  const startedAt = performance.now();
  const revisions = new Map<string, number>();
  const types: Record<string, number> = {};
  let written = 0;
  let head = '';
  let reported = 0;
  for (const day of days) {
    const events = day.slice(0, total - written);
    for (let from = 0; from < events.length; from += GROUP_EVENTS) {
      const group = events.slice(from, from + GROUP_EVENTS);
      const appends: Promise<{ position: string }>[] = [];
      for (let i = 0; i < group.length;) {
        const streamId = group[i]!.streamId;
        let end = i + 1;
        while (end < group.length && group[end]!.streamId === streamId) end++;
        const batch = group.slice(i, end);
        const next = revisions.get(streamId) ?? 0;
        revisions.set(streamId, next + batch.length);
        for (const e of batch) types[e.type] = (types[e.type] ?? 0) + 1;
        appends.push(
          store.appendToStream(streamId, batch.map(toAppend), {
            expectedRevision: next === 0 ? 'no_stream' : next - 1,
          }),
        );
        i = end;
      }
      const results = await Promise.all(appends);
      head = results[results.length - 1]?.position ?? head;
      written += group.length;
      if (onProgress && written - reported >= 100_000) {
        reported = written;
        onProgress(written);
      }
    }
    if (written >= total) break;
  }
  return {
    events: written,
    streams: revisions.size,
    head,
    seconds: (performance.now() - startedAt) / 1000,
    types,
  };
}
