import { AppError } from '../errors.js';
import type { EventStore, RecordedEvent } from '../stores/event-store.js';
import { streamCategory } from '../stores/event-store.js';
import type { SnapshotStore } from '../stores/snapshot-store.js';
import { AGGREGATES_BY_CATEGORY, type AnyAggregate } from './aggregate-registry.js';

export type PointInTime = { readonly revision: number } | { readonly at: Date };

export interface StateAt {
  readonly streamId: string;
  readonly aggregate: string;
  /** Revision of the last event folded; -1 when none had happened yet. */
  readonly revision: number;
  readonly state: unknown;
}

const PAGE = 1000;

/** When an event happened: its metadata's `occurredAt`, else when the store recorded it. */
const happenedAt = (event: RecordedEvent): number => {
  const at = event.metadata.occurredAt;
  return Date.parse(typeof at === 'string' ? at : event.recordedAt);
};

/**
 * An aggregate's state as it was: after the event at `revision`, or after
 * the stream's events up to the first one that happened later than `at`.
 * A snapshot at or before the revision asked for saves folding from the
 * start (not for a time: only the order of the events is certain).
 */
export async function stateAt(
  eventStore: EventStore,
  snapshots: SnapshotStore | undefined,
  streamId: string,
  when: PointInTime,
): Promise<StateAt> {
  const aggregate = AGGREGATES_BY_CATEGORY.get(streamCategory(streamId));
  const head = await eventStore.streamRevision(streamId);
  if (!aggregate || head === undefined)
    throw new AppError('NOT_FOUND', `No stream ${streamId}`, { streamId });
  if ('revision' in when && when.revision > head) {
    throw new AppError('VALIDATION_FAILED', `${streamId} has revisions 0 to ${head}`, {
      errors: [{ path: 'query.revision', message: `revision is at most ${head}` }],
    });
  }
  const last = 'revision' in when ? when.revision : head;
  const before = 'at' in when ? when.at.getTime() : Infinity;
  let { state, revision } =
    'revision' in when
      ? await startingPoint(snapshots, aggregate, streamId, last)
      : { state: aggregate.decider.initialState, revision: -1 };
  while (revision < last) {
    const events = await eventStore.readStream(streamId, {
      fromRevision: revision + 1,
      limit: PAGE,
    });
    for (const event of events) {
      if (event.revision > last || happenedAt(event) > before)
        return { streamId, aggregate: aggregate.category, revision, state };
      state = aggregate.decider.evolve(state, { type: event.type, data: event.data });
      revision = event.revision;
    }
    if (events.length < PAGE) break;
  }
  return { streamId, aggregate: aggregate.category, revision, state };
}

/** The stored snapshot when it lies at or before the point asked for, else the initial state. */
async function startingPoint(
  snapshots: SnapshotStore | undefined,
  aggregate: AnyAggregate,
  streamId: string,
  last: number,
): Promise<{ state: unknown; revision: number }> {
  const initial = { state: aggregate.decider.initialState, revision: -1 };
  if (!snapshots || !aggregate.snapshot) return initial;
  const snapshot = await snapshots.loadSnapshot(streamId);
  if (!snapshot || snapshot.version !== aggregate.snapshot.version || snapshot.revision > last)
    return initial;
  return { state: snapshot.state, revision: snapshot.revision };
}
