/** What every event of the log carries besides its type and data. */
export interface EventMetadata {
  readonly eventId: string;
  /** The request or process that caused this chain of events. */
  readonly correlationId: string;
  /** The command or event that directly caused this event. */
  readonly causationId: string;
  /** Who issued the command: a user id, or `system:<process>`. */
  readonly actor: string;
  /** ISO 8601 UTC, from the injected clock. */
  readonly occurredAt: string;
  /** Version of the event's data shape; older versions are upcast on read. */
  readonly schemaVersion: number;
  readonly idempotencyKey?: string;
}

/** An event as domain code sees it: a discriminated union member. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

export type Clock = () => Date;
export type IdGenerator = () => string;
