import type { EventStore, RecordedEvent } from '../../src/stores/event-store.js';
import { comparePositions } from '../../src/stores/position.js';

export interface StoreAudit {
  /** Every event of the store in global order. */
  readonly events: readonly RecordedEvent[];
  readonly streams: ReadonlyMap<string, readonly RecordedEvent[]>;
  /** Broken invariants, described; empty when the log is sound. */
  readonly violations: readonly string[];
}

/**
 * Reads the whole log and checks what must hold whatever was written: global
 * positions strictly increase, each stream holds revisions 0..n-1 exactly once,
 * and the per-stream reads (readStream, streamRevision, listStreams) agree with
 * the global one.
 */
export async function auditStore(store: EventStore): Promise<StoreAudit> {
  const events = await store.readAll();
  const violations: string[] = [];
  const streams = new Map<string, RecordedEvent[]>();
  const eventIds = new Set<string>();
  events.forEach((event, i) => {
    const previous = events[i - 1];
    if (previous && comparePositions(previous.position, event.position) >= 0)
      violations.push(`position ${event.position} follows ${previous.position}`);
    if (eventIds.has(event.eventId)) violations.push(`event ${event.eventId} is stored twice`);
    eventIds.add(event.eventId);
    const stream = streams.get(event.streamId);
    if (stream) stream.push(event);
    else streams.set(event.streamId, [event]);
  });

  for (const [streamId, inLog] of streams) {
    const misplaced = inLog.findIndex((e, i) => e.revision !== i);
    if (misplaced !== -1)
      violations.push(`${streamId}: event ${misplaced} has revision ${inLog[misplaced]?.revision}`);
    const read = await store.readStream(streamId);
    const key = (e: RecordedEvent) => `${e.revision}:${e.eventId}@${e.position}`;
    if (read.map(key).join() !== inLog.map(key).join())
      violations.push(`readStream(${streamId}) disagrees with readAll`);
    const revision = await store.streamRevision(streamId);
    if (revision !== inLog.length - 1)
      violations.push(`${streamId}: streamRevision ${revision} for ${inLog.length} events`);
  }

  const listed = await store.listStreams({ limit: 100_000 });
  const expected = [...streams.keys()]
    .sort()
    .map((streamId) => `${streamId}@${(streams.get(streamId)?.length ?? 0) - 1}`);
  const actual = listed.map((s) => `${s.streamId}@${s.revision}`);
  if (actual.join() !== expected.join())
    violations.push(`listStreams gives ${actual.join()}, the log has ${expected.join()}`);

  return { events, streams, violations };
}
