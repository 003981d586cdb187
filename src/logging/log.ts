import type { RecordedEvent } from '../stores/event-store.js';

/** The part of a structured logger (pino's) that processes and runners use. */
export interface Log {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  child(bindings: Record<string, unknown>): Log;
}

export const silentLog: Log = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  child: () => silentLog,
};

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/**
 * What a log line about a stored event names: its correlation id first, so
 * the request that started a chain, its events and every step that followed
 * share one id in the logs.
 */
export const eventLogFields = (event: RecordedEvent) => ({
  correlationId: text(event.metadata.correlationId),
  causationId: text(event.metadata.causationId),
  eventId: event.eventId,
  eventType: event.type,
  streamId: event.streamId,
  position: event.position,
});
