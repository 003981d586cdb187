import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { AppError } from '../errors.js';
import { applyBatch } from '../projections/batch-applier.js';
import { docKey, type DocKey, type Projection } from '../projections/projection.js';
import { CatchUpEstimate } from '../projections/projection-status.js';
import {
  matchesFilter,
  type EventStore,
  type Position,
  type RecordedEvent,
} from '../stores/event-store.js';
import { comparePositions } from '../stores/position.js';
import type { Doc, Write } from '../stores/read-store.js';
import { safeKeys } from './doc-comparison.js';
import { withReadModelPaused, type ExclusiveAccessDeps } from './exclusive-access.js';
import type { ProgressListener } from './progress.js';

export interface ReplayDeps extends ExclusiveAccessDeps {
  readonly eventStore: EventStore;
}

export interface ReplayResult {
  readonly name: string;
  readonly streamId: string;
  /** Documents recomputed (written or deleted). */
  readonly documents: number;
}

const PAGE = 1000;
/** Passes over the log while the set of documents keeps growing. */
const MAX_PASSES = 50;

type Docs = Map<string, Doc | undefined>;

/**
 * Re-applies one stream to a read model: recomputes, from the log, exactly
 * the documents that stream's events name, and writes them over the live
 * ones (a tampered or damaged document comes back as a rebuild would make it).
 *
 * Documents are shared between streams (a sales day collects many orders,
 * an order line reads its product), so the stream's own events are not
 * enough. The documents to recompute are the stream's keys closed under
 * "named together by an event": an event naming any of them adds all its
 * keys, since `apply` may read them. Every event naming the closed set is
 * then applied in log order to documents that start absent; no event outside
 * it can change them. Events whose apply throws are passed over, as the
 * runner parks them. The result is the state at the live checkpoint: the
 * log is folded up to it while the live read model keeps serving, then the
 * live runner is held between two batches while the events it applied
 * since are folded too and the documents written.
 */
export async function replayStream(
  deps: ReplayDeps,
  projection: Projection,
  streamId: string,
  onProgress?: ProgressListener,
): Promise<ReplayResult> {
  const { eventStore, readStore } = deps;
  const own = await streamKeys(eventStore, projection, streamId);
  if (own.size === 0) return { name: projection.name, streamId, documents: 0 };
  const progress = new FoldProgress(onProgress);
  const early = await closedFold(
    eventStore,
    projection,
    own,
    undefined,
    await readStore.checkpoint(projection.name),
    progress,
  );
  const written = await withReadModelPaused(deps, projection.name, async () => {
    const now = await readStore.checkpoint(projection.name);
    const fold = await closedFold(eventStore, projection, early.keys, early, now, progress);
    const writes: Write[] = [...fold.keys].map(([k, key]) => {
      const doc = fold.docs.get(k);
      return doc
        ? { kind: 'put', collection: key.collection, doc }
        : { kind: 'delete', collection: key.collection, id: key.id };
    });
    await readStore.commit(projection.name, undefined, writes);
    return writes.length;
  });
  return { name: projection.name, streamId, documents: written };
}

async function streamKeys(
  eventStore: EventStore,
  projection: Projection,
  streamId: string,
): Promise<Map<string, DocKey>> {
  if ((await eventStore.streamRevision(streamId)) === undefined)
    throw new AppError('NOT_FOUND', `No stream ${streamId}`, { streamId });
  const keys = new Map<string, DocKey>();
  for (let from = 0; ; from += PAGE) {
    const events = await eventStore.readStream(streamId, { fromRevision: from, limit: PAGE });
    for (const event of events) {
      if (!matchesFilter(event, projection.filter)) continue;
      for (const key of safeKeys(projection, event)) keys.set(docKey(key), key);
    }
    if (events.length < PAGE) return keys;
  }
}

/** Events read over all passes, against an estimate of what is left of the current one. */
class FoldProgress {
  private processed = 0;
  private estimate = new CatchUpEstimate();

  constructor(private readonly listener: ProgressListener | undefined) {}

  newPass(): void {
    this.estimate = new CatchUpEstimate();
  }

  read(from: Position | undefined, page: readonly RecordedEvent[], until: Position): void {
    this.processed += page.length;
    this.estimate.observe(from, page);
    const last = page[page.length - 1]?.position ?? from;
    const left = this.estimate.remaining(last, until);
    this.listener?.({ processed: this.processed, total: this.processed + left });
  }
}

interface Fold {
  readonly keys: Map<string, DocKey>;
  readonly docs: Docs;
  /** Position folded up to. */
  readonly through: Position | undefined;
}

/**
 * Folds the events naming `keys` after `from.through` (or from the start),
 * up to `until`. A pass that finds an event naming a key outside the set
 * grows the set and starts over from the start of the log with absent
 * documents; the pass that finds none is the answer.
 */
async function closedFold(
  eventStore: EventStore,
  projection: Projection,
  keys: ReadonlyMap<string, DocKey>,
  from: Fold | undefined,
  until: Position | undefined,
  progress: FoldProgress,
): Promise<Fold> {
  const set = new Map(keys);
  let start = from;
  for (let pass = 1; pass <= MAX_PASSES; pass++) {
    progress.newPass();
    const docs: Docs = new Map(start?.docs ?? []);
    let grew = false;
    let through = start?.through;
    if (until === undefined) return { keys: set, docs, through };
    for (;;) {
      await yieldToEventLoop();
      if (through !== undefined && comparePositions(through, until) >= 0) break;
      const page = await eventStore.readAll({
        ...(through === undefined ? {} : { fromPosition: through }),
        limit: PAGE,
        filter: projection.filter,
      });
      const events = page.filter((e) => comparePositions(e.position, until) <= 0);
      const naming = events.filter((event) => {
        const named = safeKeys(projection, event);
        if (!named.some((key) => set.has(docKey(key)))) return false;
        for (const key of named) {
          if (set.has(docKey(key))) continue;
          set.set(docKey(key), key);
          grew = true;
        }
        return true;
      });
      if (!grew) await foldEvents(projection, naming, docs);
      progress.read(through, events, until);
      through = events[events.length - 1]?.position ?? through;
      if (events.length < page.length || page.length < PAGE) break;
    }
    if (!grew) return { keys: set, docs, through: until };
    start = undefined;
  }
  throw new AppError(
    'REPLAY_TOO_WIDE',
    `The documents of this stream keep growing after ${MAX_PASSES} passes`,
  );
}

/** Applies events to the working documents; an event whose apply throws is passed over. */
async function foldEvents(
  projection: Projection,
  events: readonly RecordedEvent[],
  docs: Docs,
): Promise<void> {
  const identity = (local: string) => local;
  const poison = new Set<Position>();
  let remaining = events;
  while (remaining.length > 0) {
    const outcome = await applyBatch(
      projection,
      remaining,
      async (collection, ids) => {
        const found = new Map<string, Doc>();
        for (const id of ids) {
          const doc = docs.get(docKey({ collection, id }));
          if (doc) found.set(id, doc);
        }
        return found;
      },
      { collectionName: identity, skip: (event) => poison.has(event.position) },
    );
    for (const write of outcome.writes) {
      if (write.kind === 'put')
        docs.set(docKey({ collection: write.collection, id: write.doc._id }), write.doc);
      else if (write.kind === 'delete')
        docs.set(docKey({ collection: write.collection, id: write.id }), undefined);
    }
    remaining = remaining.slice(outcome.processed);
    if (outcome.failure) poison.add(outcome.failure.event.position);
  }
}
