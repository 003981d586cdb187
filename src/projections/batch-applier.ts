import type { Position, RecordedEvent } from '../stores/event-store.js';
import { comparePositions } from '../stores/position.js';
import type { Doc, Write } from '../stores/read-store.js';
import { docKey, type DocKey, type DocSet, type Projection } from './projection.js';

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

/** A document the batch names: where it lives and its version as of the events applied so far. */
interface Slot {
  readonly key: DocKey;
  doc: Doc | undefined;
  /** Set for each event naming the document: the `_position` it stamps, or undefined when not due. */
  stamp: Position | undefined;
}

/** Slots by `docKey`, for every document the batch names. */
type WorkingSet = Map<string, Slot>;

const positionOf = (doc: Doc | undefined): Position | undefined =>
  typeof doc?._position === 'string' ? doc._position : undefined;

/** Whether `doc` has not yet seen the event at `position`. */
export const isBehind = (doc: Doc | undefined, position: Position): boolean => {
  const applied = positionOf(doc);
  return applied === undefined || comparePositions(applied, position) < 0;
};

/**
 * The `_position` an event at `position` leaves on `doc`: its own when the
 * document is behind it; when forced, the document's own; otherwise the event
 * is not applied to it (undefined).
 */
const stampFor = (doc: Doc | undefined, position: Position, force: boolean) =>
  isBehind(doc, position) ? position : force ? positionOf(doc) : undefined;

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
  const batch = new WorkingBatch(projection, load, options);
  const { processed, failure } = await batch.add(events);
  return {
    writes: batch.writes(),
    processed,
    through: batch.through,
    skipped: batch.skipped,
    ...(failure && { failure }),
  };
}

/** What one `add` did: events processed from the start of those given, and the one that failed. */
export interface Added {
  readonly processed: number;
  readonly failure?: BatchOutcome['failure'];
}

/**
 * A batch applied in parts: each `add` loads the documents its events name
 * that the batch does not hold yet and applies the events to the batch's
 * documents, so events can be dropped once added and only the documents stay
 * in memory until the batch is written.
 */
export class WorkingBatch {
  readonly #docs: WorkingSet = new Map();
  readonly #changed = new Set<Slot>();
  readonly #skipped: RecordedEvent[] = [];
  #last: RecordedEvent | undefined;
  #events = 0;

  constructor(
    private readonly projection: Projection,
    private readonly load: DocLoader,
    private readonly options: ApplyOptions,
  ) {}

  /** Events processed over every `add`. */
  get events(): number {
    return this.#events;
  }

  /** Position of the last event processed: the checkpoint to commit with the writes. */
  get through(): Position | undefined {
    return this.#last?.position;
  }

  get last(): RecordedEvent | undefined {
    return this.#last;
  }

  get skipped(): readonly RecordedEvent[] {
    return this.#skipped;
  }

  /**
   * Applies `events` in order after those added before, stopping at the first
   * whose `keys` or `apply` throws. A failing load throws with the batch as it
   * was, so the same events can be added again.
   */
  async add(events: readonly RecordedEvent[]): Promise<Added> {
    const { projection, options } = this;
    let failure: BatchOutcome['failure'];
    const planned: Planned[] = [];
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
    await loadDocs(planned, this.load, this.#docs);
    let processed = 0;
    for (const { event, keys } of planned) {
      if (keys === 'skip') this.#skipped.push(event);
      else {
        try {
          applyEvent(projection, event, keys, this.#docs, this.#changed, options.force ?? false);
        } catch (error) {
          failure = { event, error };
          break;
        }
      }
      processed++;
      this.#last = event;
    }
    this.#events += processed;
    return { processed, ...(failure && { failure }) };
  }

  /** One write per changed document, in the store's collection names. */
  writes(): Write[] {
    return [...this.#changed].map(({ key, doc }) => {
      const collection = this.options.collectionName(key.collection);
      return doc ? { kind: 'put', collection, doc } : { kind: 'delete', collection, id: key.id };
    });
  }
}

interface Planned {
  readonly event: RecordedEvent;
  readonly keys: readonly DocKey[] | 'skip';
}

/**
 * Adds a slot to `docs` for each document the planned events name that it
 * lacks, filled with one read per collection; `docs` is left alone if a read fails.
 */
async function loadDocs(
  planned: readonly Planned[],
  load: DocLoader,
  docs: WorkingSet,
): Promise<void> {
  const added: WorkingSet = new Map();
  const slotsByCollection = new Map<string, Slot[]>();
  for (const { keys } of planned) {
    if (keys === 'skip') continue;
    for (const key of keys) {
      const k = docKey(key);
      if (docs.has(k) || added.has(k)) continue;
      const slot: Slot = { key, doc: undefined, stamp: undefined };
      added.set(k, slot);
      const slots = slotsByCollection.get(key.collection);
      if (slots) slots.push(slot);
      else slotsByCollection.set(key.collection, [slot]);
    }
  }
  await Promise.all(
    [...slotsByCollection].map(async ([collection, slots]) => {
      const found = await load(
        collection,
        slots.map((slot) => slot.key.id),
      );
      for (const slot of slots) slot.doc = found.get(slot.key.id);
    }),
  );
  for (const [k, slot] of added) docs.set(k, slot);
}

/** Applies one event to the working set, all or nothing. */
function applyEvent(
  projection: Projection,
  event: RecordedEvent,
  keys: readonly DocKey[],
  docs: WorkingSet,
  changed: Set<Slot>,
  force: boolean,
): void {
  const given = new Map<string, Doc | undefined>();
  let due = false;
  for (const key of keys) {
    const k = docKey(key);
    const slot = docs.get(k);
    if (!slot || given.has(k)) continue;
    given.set(k, slot.doc);
    slot.stamp = stampFor(slot.doc, event.position, force);
    due ||= slot.stamp !== undefined;
  }
  if (!due) return;
  const result = projection.apply(event, given);
  for (const k of result.keys()) {
    if (!given.has(k))
      throw new Error(`${projection.name}: apply returned ${k}, not named by keys`);
  }
  // Every returned key was named above, so its slot's stamp is this event's.
  for (const [k, doc] of result) {
    const slot = docs.get(k);
    if (!slot || slot.stamp === undefined) continue;
    slot.doc = doc && stamped(doc, slot.key.id, slot.stamp, isFresh(doc, given, result));
    changed.add(slot);
  }
}

/**
 * Whether `apply` built `doc` for this call, so it can take its stamp in place
 * instead of as a copy (one object fewer per event). `apply` is pure, so what
 * it returns is a document it was given (the loader's, or an earlier event's
 * result that the working set holds) or a new object, which may share nested
 * values with those. Only the given ones are held elsewhere: a new, plain,
 * extensible object returned under one key only is ours to change, and
 * stamping sets just its own `_id` and `_position`, never a nested value.
 * (A projection returning a module constant, or an object it also nests in
 * another document, would break this; none does.)
 */
function isFresh(doc: Doc, given: DocSet, result: DocSet): boolean {
  if (Object.getPrototypeOf(doc) !== Object.prototype || !Object.isExtensible(doc)) return false;
  for (const other of given.values()) if (other === doc) return false;
  if (result.size === 1) return true;
  let times = 0;
  for (const other of result.values()) if (other === doc) times++;
  return times === 1;
}

/** `doc` with the key's id and `_position`: itself when fresh, else a copy. */
function stamped(doc: Doc, id: string, position: Position, fresh: boolean): Doc {
  if (!fresh) return { ...doc, _id: id, _position: position };
  const writable = doc as { _id: string; _position?: Position };
  writable._id = id;
  writable._position = position;
  return doc;
}
