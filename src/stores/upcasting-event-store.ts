import { map } from 'rxjs';
import {
  EVENT_SCHEMAS,
  currentSchemaVersion,
  needsUpcast,
  storedSchemaVersion,
  upcastData,
  type EventSchemas,
} from '../events/upcasters.js';
import type { EventStore, RecordedEvent } from './event-store.js';

/** A stored event in the current shape of its type, its metadata naming that version. */
export function upcastRecorded(
  event: RecordedEvent,
  schemas: EventSchemas = EVENT_SCHEMAS,
): RecordedEvent {
  const version = storedSchemaVersion(event.metadata);
  if (!needsUpcast(event.type, version, schemas)) return event;
  return {
    ...event,
    data: upcastData(event.type, event.data, version, schemas),
    metadata: { ...event.metadata, schemaVersion: currentSchemaVersion(event.type, schemas) },
  };
}

/**
 * The log as the domain and the read side see it: every event read, whether
 * by stream, in global order or by subscription, arrives in its type's
 * current shape. Appends and everything else pass through unchanged.
 */
export function upcastingEventStore(
  store: EventStore,
  schemas: EventSchemas = EVENT_SCHEMAS,
): EventStore {
  const upcast = (event: RecordedEvent) => upcastRecorded(event, schemas);
  return {
    ...(store.appendsInCallOrder ? { appendsInCallOrder: true } : {}),
    appendToStream: (streamId, events, options) => store.appendToStream(streamId, events, options),
    readStream: async (streamId, options) =>
      (await store.readStream(streamId, options)).map(upcast),
    readAll: async (options) =>
      options?.asStored ? store.readAll(options) : (await store.readAll(options)).map(upcast),
    listStreams: (options) => store.listStreams(options),
    streamRevision: (streamId) => store.streamRevision(streamId),
    headPosition: () => store.headPosition(),
    subscribeToAll: (options) => store.subscribeToAll(options).pipe(map(upcast)),
    close: () => store.close(),
  };
}
