import { newEventId } from '../../../src/events/event-ids.js';
import type { EventMetadata } from '../../../src/events/envelope.js';
import type { EventToAppend } from '../../../src/stores/event-store.js';
import type { SqliteEventStore } from '../../../src/stores/sqlite/sqlite-event-store.js';

const BATCH = 1_000;

function incremented(): EventToAppend {
  const eventId = newEventId();
  const metadata: EventMetadata = {
    eventId,
    correlationId: eventId,
    causationId: eventId,
    actor: 'bench',
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
  };
  return {
    eventId,
    type: 'Incremented',
    data: { by: 1 },
    metadata: metadata as unknown as Record<string, unknown>,
  };
}

/** Writes `length` counter events to a new stream straight to the store, in big appends. */
export async function writeCounterStream(
  store: SqliteEventStore,
  streamId: string,
  length: number,
): Promise<void> {
  for (let written = 0; written < length; written += BATCH) {
    const events = Array.from({ length: Math.min(BATCH, length - written) }, incremented);
    await store.appendToStream(streamId, events, {
      expectedRevision: written === 0 ? 'no_stream' : written - 1,
    });
  }
}

/** One more event, so that a snapshot waiting for the next write batch is stored. */
export async function appendOne(store: SqliteEventStore, streamId: string): Promise<void> {
  await store.appendToStream(streamId, [incremented()]);
}
