import { AppError } from '../errors.js';
import type { EventStore, Position } from '../stores/event-store.js';

export interface StreamListing {
  readonly items: { readonly streamId: string; readonly revision: number }[];
  /** The last stream id of the page; null on the last page. */
  readonly nextCursor: string | null;
}

/** One stored event as an operator sees it. */
export interface InspectedEvent {
  readonly streamId: string;
  readonly revision: number;
  readonly position: Position;
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly recordedAt: string;
}

export interface StreamPage {
  readonly items: InspectedEvent[];
  /** The revision to read from next, as a string; null on the last page. */
  readonly nextCursor: string | null;
}

/** Stream ids in id order, with the revision of each one's last event. */
export async function listStreams(
  eventStore: EventStore,
  q: { prefix?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<StreamListing> {
  const found = await eventStore.listStreams({
    ...(q.prefix === undefined ? {} : { prefix: q.prefix }),
    ...(q.cursor === undefined ? {} : { after: q.cursor }),
    limit: q.limit + 1,
  });
  const items = found.slice(0, q.limit).map(({ streamId, revision }) => ({ streamId, revision }));
  const last = items[items.length - 1];
  return { items, nextCursor: found.length > q.limit && last ? last.streamId : null };
}

/** A stream's events from a revision on, with their metadata and log positions. */
export async function showStream(
  eventStore: EventStore,
  streamId: string,
  q: { fromRevision?: number | undefined; limit: number },
): Promise<StreamPage> {
  if ((await eventStore.streamRevision(streamId)) === undefined)
    throw new AppError('NOT_FOUND', `No stream ${streamId}`, { streamId });
  const events = await eventStore.readStream(streamId, {
    fromRevision: q.fromRevision ?? 0,
    limit: q.limit + 1,
  });
  const items = events.slice(0, q.limit).map((e) => ({
    streamId: e.streamId,
    revision: e.revision,
    position: e.position,
    eventId: e.eventId,
    type: e.type,
    data: e.data,
    metadata: e.metadata,
    recordedAt: e.recordedAt,
  }));
  const last = items[items.length - 1];
  return { items, nextCursor: events.length > q.limit && last ? String(last.revision + 1) : null };
}
