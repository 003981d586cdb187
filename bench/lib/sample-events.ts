import { newEventId } from '../../src/events/event-ids.js';
import type { EventMetadata } from '../../src/events/envelope.js';
import type { EventToAppend } from '../../src/stores/event-store.js';

/** A cart event of typical size, with the metadata the command handler writes. */
export function sampleEvent(sequence: number): EventToAppend {
  const eventId = newEventId();
  const metadata: EventMetadata = {
    eventId,
    correlationId: eventId,
    causationId: eventId,
    actor: 'customer-bench',
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
  };
  return {
    eventId,
    type: 'ItemAdded',
    data: {
      sku: `SKU-${String(sequence % 10_000).padStart(5, '0')}`,
      quantity: 1 + (sequence % 3),
      unitPrice: { amount: 1999, currency: 'EUR' },
    },
    metadata: metadata as unknown as Record<string, unknown>,
  };
}

/** The columns the SQLite store writes for one event, serialised the same way. */
export interface EventRow {
  readonly streamId: string;
  readonly category: string;
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  readonly recordedAt: string;
}

export function sampleRow(streamId: string, revision: number): EventRow {
  const event = sampleEvent(revision);
  return {
    streamId,
    category: streamId.slice(0, streamId.indexOf('-')),
    revision,
    eventId: event.eventId,
    type: event.type,
    data: JSON.stringify(event.data),
    metadata: JSON.stringify(event.metadata),
    recordedAt: new Date().toISOString(),
  };
}
