import {
  jsonEvent,
  type AllStreamResolvedEvent,
  type EventData,
  type JSONType,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import type { EventToAppend, RecordedEvent } from '../event-store.js';
import { formatPosition } from './kurrentdb-positions.js';
import { revisionToNumber } from './kurrentdb-revisions.js';

export function toEventData(event: EventToAppend): EventData {
  return jsonEvent({
    id: event.eventId,
    type: event.type,
    // The client JSON-encodes whatever it is given; undefined has no JSON form.
    data: (event.data ?? null) as JSONType,
    ...(event.metadata ? { metadata: event.metadata } : {}),
  });
}

/** System events: `$`-prefixed streams or types, link events (`$>`) included. */
export function isSystemEvent(event: Pick<RecordedEvent, 'streamId' | 'type'>): boolean {
  return event.streamId.startsWith('$') || event.type.startsWith('$');
}

/**
 * Converts what the client read into the port's event; undefined when there is
 * no event (a link whose target is gone).
 */
export function toRecordedEvent(
  resolved: ResolvedEvent | AllStreamResolvedEvent,
): RecordedEvent | undefined {
  const recorded = resolved.event;
  if (!recorded) return undefined;
  const position =
    recorded.position ??
    (resolved.commitPosition === undefined
      ? undefined
      : { commit: resolved.commitPosition, prepare: resolved.commitPosition });
  if (!position) {
    throw new RangeError(
      `KurrentDB returned event ${recorded.id} without a position (KurrentDB 22.6 or later is required)`,
    );
  }
  return {
    streamId: recorded.streamId,
    revision: revisionToNumber(recorded.revision),
    position: formatPosition(position),
    eventId: recorded.id,
    type: recorded.type,
    data: recorded.data,
    metadata: toMetadata(recorded.metadata),
    recordedAt: recorded.created.toISOString(),
  };
}

function toMetadata(metadata: unknown): Readonly<Record<string, unknown>> {
  if (typeof metadata !== 'object' || metadata === null) return {};
  if (Array.isArray(metadata) || metadata instanceof Uint8Array) return {};
  return metadata as Record<string, unknown>;
}
