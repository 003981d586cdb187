import type { DomainEvent, EventMetadata } from '../events/envelope.js';

export type AppendedEvent<E extends DomainEvent = DomainEvent> = E & {
  readonly revision: number;
  readonly metadata: EventMetadata;
};

export interface CommandResult<E extends DomainEvent = DomainEvent> {
  /** Events the command appended; empty when the command changed nothing. */
  readonly events: readonly AppendedEvent<E>[];
  /** Revision of the stream's last event (-1 when the stream is still empty). */
  readonly nextRevision: number;
  /** Position of the stream's last event, when known: wait for it to read your writes. */
  readonly position: string | undefined;
}

export interface CommandContext {
  /** Who issues the command: a user id, or `system:<process>`. */
  readonly actor: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** Runs the command at most once for this key; repeats get the first result. */
  readonly idempotencyKey?: string;
  /**
   * What a repeat of the key must match (default: the stream and command). A
   * caller whose commands carry their own times (HTTP routes) passes the
   * request instead, so a retry after a crash is not taken for another request.
   */
  readonly idempotencyPayload?: unknown;
  /** The stream must be at this revision (If-Match), else PRECONDITION_FAILED. */
  readonly expectedRevision?: number;
}
