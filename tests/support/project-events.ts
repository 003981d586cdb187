import { docKey, type Projection } from '../../src/projections/projection.js';
import type { RecordedEvent } from '../../src/stores/event-store.js';
import { comparePositions } from '../../src/stores/position.js';
import type { Doc } from '../../src/stores/read-store.js';

/** Builds recorded events with consecutive positions, for projection tests. */
export function eventLog(start = 1) {
  let position = start;
  const revisions = new Map<string, number>();
  return (
    streamId: string,
    type: string,
    data: unknown,
    occurredAt = '2026-03-01T10:00:00.000Z',
  ): RecordedEvent => {
    const revision = (revisions.get(streamId) ?? -1) + 1;
    revisions.set(streamId, revision);
    return {
      streamId,
      revision,
      position: String(position++),
      eventId: `e-${position}`,
      type,
      data,
      metadata: {
        occurredAt,
        actor: 'test',
        correlationId: 'c',
        causationId: 'c',
        schemaVersion: 1,
      },
      recordedAt: occurredAt,
    };
  };
}

/**
 * Folds events through a projection in memory the way the runner does: load
 * the keyed documents, apply, skip documents already at or past the event,
 * stamp `_position`. Returns documents by `${collection}/${id}`.
 */
export function projectEvents(
  projection: Projection,
  events: readonly RecordedEvent[],
  initial: ReadonlyMap<string, Doc> = new Map(),
): Map<string, Doc> {
  const docs = new Map(initial);
  for (const event of events) {
    const keys = projection.keys(event).map(docKey);
    const current = new Map(keys.map((k) => [k, docs.get(k)] as const));
    const changed = projection.apply(event, current);
    for (const [key, doc] of changed) {
      const before = docs.get(key);
      const at = before?._position;
      if (typeof at === 'string' && comparePositions(at, event.position) >= 0) continue;
      if (doc === undefined) docs.delete(key);
      else docs.set(key, { ...doc, _position: event.position });
    }
  }
  return docs;
}
