import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { docKey, type DocKey, type Projection } from '../projections/projection.js';
import type { EventStore, Position } from '../stores/event-store.js';
import { comparePositions } from '../stores/position.js';
import type { Doc, ReadStore } from '../stores/read-store.js';

export interface Difference {
  /** The live collection's name. */
  readonly collection: string;
  readonly id: string;
  /** The live document, null when the live read model lacks it. */
  readonly live: unknown;
  /** The document a fresh build holds, null when it has none. */
  readonly rebuilt: unknown;
}

export interface Comparison {
  readonly differences: Map<string, Difference>;
  /** Live documents already past the position compared at: to compare again later. */
  readonly moved: Map<string, DocKey>;
  readonly documents: number;
}

const PAGE = 500;

/** JSON with object keys in order, so documents equal field for field compare equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Compares live documents with the ones built into `builtName` collections. */
export class DocComparer {
  constructor(
    private readonly readStore: ReadStore,
    private readonly builtName: (local: string) => string,
  ) {}

  /** Every document of the projection's collections, page by page. */
  async all(projection: Projection, at: Position | undefined): Promise<Comparison> {
    const result = emptyComparison();
    let documents = 0;
    for (const c of projection.collections) {
      const seen = new Set<string>();
      for (const source of [c.name, this.builtName(c.name)]) {
        for await (const ids of this.idPages(source)) {
          const fresh = ids.filter((id) => !seen.has(id));
          fresh.forEach((id) => seen.add(id));
          await this.compare(c.name, fresh, at, result);
        }
      }
      documents += seen.size;
    }
    return { ...result, documents };
  }

  /** Only the named documents. */
  async keys(keys: Iterable<DocKey>, at: Position | undefined): Promise<Comparison> {
    const result = emptyComparison();
    const byCollection = new Map<string, string[]>();
    for (const key of keys)
      byCollection.set(key.collection, [...(byCollection.get(key.collection) ?? []), key.id]);
    let documents = 0;
    for (const [collection, ids] of byCollection) {
      for (let i = 0; i < ids.length; i += PAGE)
        await this.compare(collection, ids.slice(i, i + PAGE), at, result);
      documents += ids.length;
    }
    return { ...result, documents };
  }

  private async compare(
    collection: string,
    ids: readonly string[],
    at: Position | undefined,
    into: Omit<Comparison, 'documents'>,
  ): Promise<void> {
    if (ids.length === 0) return;
    const [live, built] = await Promise.all([
      this.readStore.collection(collection).getMany(ids),
      this.readStore.collection(this.builtName(collection)).getMany(ids),
    ]);
    for (const id of ids) {
      const key = { collection, id };
      const liveDoc = live.get(id);
      if (isPast(liveDoc, at)) into.moved.set(docKey(key), key);
      const builtDoc = built.get(id);
      if (canonicalJson(liveDoc ?? null) === canonicalJson(builtDoc ?? null)) continue;
      into.differences.set(docKey(key), {
        collection,
        id,
        live: liveDoc ?? null,
        rebuilt: builtDoc ?? null,
      });
    }
  }

  private async *idPages(collection: string): AsyncGenerator<string[]> {
    let after: string | undefined;
    for (;;) {
      await yieldToEventLoop();
      const page = await this.readStore
        .collection(collection)
        .find(after === undefined ? {} : { _id: { $gt: after } }, {
          sort: { _id: 1 },
          limit: PAGE,
          projection: { _id: 1 },
        });
      if (page.length === 0) return;
      yield page.map((doc) => doc._id);
      after = page[page.length - 1]?._id;
      if (page.length < PAGE) return;
    }
  }
}

const emptyComparison = () => ({
  differences: new Map<string, Difference>(),
  moved: new Map<string, DocKey>(),
});

function isPast(doc: Doc | undefined, at: Position | undefined): boolean {
  const applied = doc?._position;
  if (typeof applied !== 'string') return false;
  return at === undefined || comparePositions(applied, at) > 0;
}

/** Documents the projection's events in (after, until] name. */
export async function touchedKeys(
  eventStore: EventStore,
  projection: Projection,
  after: Position | undefined,
  until: Position | undefined,
): Promise<Map<string, DocKey>> {
  const touched = new Map<string, DocKey>();
  if (until === undefined) return touched;
  let from = after;
  for (;;) {
    await yieldToEventLoop();
    if (from !== undefined && comparePositions(from, until) >= 0) return touched;
    const page = await eventStore.readAll({
      ...(from === undefined ? {} : { fromPosition: from }),
      limit: PAGE,
      filter: projection.filter,
    });
    for (const event of page) {
      if (comparePositions(event.position, until) > 0) return touched;
      for (const key of safeKeys(projection, event)) touched.set(docKey(key), key);
    }
    if (page.length < PAGE) return touched;
    from = page[page.length - 1]?.position;
  }
}

/** An event whose keys throw is parked by the runner, so it names no document. */
export function safeKeys(
  projection: Projection,
  event: Parameters<Projection['keys']>[0],
): readonly DocKey[] {
  try {
    return projection.keys(event);
  } catch {
    return [];
  }
}
