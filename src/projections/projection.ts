import type { EventFilter, RecordedEvent } from '../stores/event-store.js';
import type { Doc, IndexSpec } from '../stores/read-store.js';

/** A document a projection reads or writes: its collection (by local name) and id. */
export interface DocKey {
  readonly collection: string;
  readonly id: string;
}

/** Documents by `${collection}/${id}`; an absent document maps to undefined. */
export type DocSet = ReadonlyMap<string, Doc | undefined>;

export const docKey = (key: DocKey): string => `${key.collection}/${key.id}`;

export interface ProjectionCollection {
  /** Local name; the runner maps it to the store's collection name (shadow rebuilds use another). */
  readonly name: string;
  readonly indexes: readonly IndexSpec[];
}

/**
 * A read model: a pure function from events to documents. The runner loads
 * the documents `keys` names, calls `apply`, and writes back what it returns,
 * stamping each written document with `_position` (the event's position). A
 * document whose `_position` is at or past an event is not written again for
 * it, so replaying events changes nothing.
 */
export interface Projection {
  readonly name: string;
  /** Bump when `apply` changes meaning: the read model must then be rebuilt. */
  readonly version: number;
  readonly collections: readonly ProjectionCollection[];
  readonly filter: EventFilter;
  /** Documents this event reads or changes. */
  keys(event: RecordedEvent): readonly DocKey[];
  /**
   * Pure: the documents after the event, for the keys that change (undefined
   * deletes). Documents not returned stay as they were. A returned document
   * is one it was given or a new object, never one kept elsewhere (a module
   * constant): the runner stamps new ones in place. Throwing marks the event
   * as poison after retries.
   */
  apply(event: RecordedEvent, docs: DocSet): ReadonlyMap<string, Doc | undefined>;
}
