import type { Position, RecordedEvent } from '../stores/event-store.js';
import { comparePositions } from '../stores/position.js';
import type { Doc, Write } from '../stores/read-store.js';
import { docKey, type DocKey, type Projection } from './projection.js';

/** Loads documents of one collection (by local name); absent ones are left out of the map. */
export type DocLoader = (
  collection: string,
  ids: readonly string[],
) => Promise<ReadonlyMap<string, Doc>>;

export interface ApplyOptions {
  /** The store's name for a local collection name. */
  readonly collectionName: (local: string) => string;
  /** Events to pass over without applying them (parked poison); they count as processed. */
  readonly skip?: (event: RecordedEvent) => boolean;
  /**
   * Applies even to documents already at or past the event, keeping their
   * `_position` (re-applying a dead letter after later events have landed).
   */
  readonly force?: boolean;
}

export interface BatchOutcome {
  /** One write per changed document, in the store's collection names. */
  readonly writes: Write[];
  /** Events processed from the start of the batch (applied, already applied, or skipped). */
  readonly processed: number;
  /** Position of the last processed event: the checkpoint to commit with the writes. */
  readonly through: Position | undefined;
  readonly skipped: readonly RecordedEvent[];
  /** The event whose `keys` or `apply` threw; neither it nor any later event was processed. */
  readonly failure?: { readonly event: RecordedEvent; readonly error: unknown };
}

type WorkingSet = Map<string, Doc | undefined>;

const positionOf = (doc: Doc | undefined): Position | undefined =>
  typeof doc?._position === 'string' ? doc._position : undefined;

/** Whether `doc` has not yet seen the event at `position`. */
export const isBehind = (doc: Doc | undefined, position: Position): boolean => {
  const applied = positionOf(doc);
  return applied === undefined || comparePositions(applied, position) < 0;
};

/**
 * Applies a batch of events in memory: loads every document the batch names
 * (one read per collection), applies the events in order so each sees the
 * ones before it, and returns the changed documents stamped with `_position`.
 * A document already at or past an event is not changed by it, so replaying
 * any part of the log is a no-op.
 */
export async function applyBatch(
  projection: Projection,
  events: readonly RecordedEvent[],
  load: DocLoader,
  options: ApplyOptions,
): Promise<BatchOutcome> {
  let failure: BatchOutcome['failure'];
  const planned: { event: RecordedEvent; keys: readonly DocKey[] | 'skip' }[] = [];
  for (const event of events) {
    if (options.skip?.(event)) {
      planned.push({ event, keys: 'skip' });
      continue;
    }
    try {
      planned.push({ event, keys: projection.keys(event) });
    } catch (error) {
      failure = { event, error };
      break;
    }
  }

  const docs = await loadDocs(
    planned.flatMap((p) => (p.keys === 'skip' ? [] : p.keys)),
    load,
  );
  const changed = new Map<string, DocKey>();
  const skipped: RecordedEvent[] = [];
  let processed = 0;
  for (const { event, keys } of planned) {
    if (keys === 'skip') skipped.push(event);
    else {
      try {
        applyEvent(projection, event, keys, docs, changed, options.force ?? false);
      } catch (error) {
        failure = { event, error };
        break;
      }
    }
    processed++;
  }

  const writes: Write[] = [...changed].map(([k, key]) => {
    const collection = options.collectionName(key.collection);
    const doc = docs.get(k);
    return doc ? { kind: 'put', collection, doc } : { kind: 'delete', collection, id: key.id };
  });
  return {
    writes,
    processed,
    through: planned[processed - 1]?.event.position,
    skipped,
    ...(failure && { failure }),
  };
}

async function loadDocs(keys: readonly DocKey[], load: DocLoader): Promise<WorkingSet> {
  const idsByCollection = new Map<string, Set<string>>();
  for (const key of keys) {
    const ids = idsByCollection.get(key.collection) ?? new Set();
    idsByCollection.set(key.collection, ids.add(key.id));
  }
  const docs: WorkingSet = new Map();
  await Promise.all(
    [...idsByCollection].map(async ([collection, ids]) => {
      const found = await load(collection, [...ids]);
      for (const id of ids) docs.set(docKey({ collection, id }), found.get(id));
    }),
  );
  return docs;
}

/** Applies one event to the working set, all or nothing. */
function applyEvent(
  projection: Projection,
  event: RecordedEvent,
  keys: readonly DocKey[],
  docs: WorkingSet,
  changed: Map<string, DocKey>,
  force: boolean,
): void {
  const named = new Map(keys.map((key) => [docKey(key), key]));
  const due = (k: string) => force || isBehind(docs.get(k), event.position);
  if (![...named.keys()].some(due)) return;
  const result = projection.apply(event, new Map([...named.keys()].map((k) => [k, docs.get(k)])));
  for (const k of result.keys()) {
    if (!named.has(k))
      throw new Error(`${projection.name}: apply returned ${k}, not named by keys`);
  }
  for (const [k, doc] of result) {
    const key = named.get(k);
    if (!key || !due(k)) continue;
    const current = docs.get(k);
    const position = isBehind(current, event.position) ? event.position : positionOf(current);
    docs.set(k, doc && { ...doc, _id: key.id, _position: position });
    changed.set(k, key);
  }
}
