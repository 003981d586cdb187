import fc from 'fast-check';
import { applyBatch, type DocLoader } from '../../src/projections/batch-applier.js';
import { docKey, type Projection } from '../../src/projections/projection.js';
import type { RecordedEvent } from '../../src/stores/event-store.js';
import type { Doc } from '../../src/stores/read-store.js';

let position = 0;
const event = (streamId: string, type = 'Counted'): RecordedEvent => ({
  streamId,
  revision: 0,
  position: String(++position),
  eventId: `e${position}`,
  type,
  data: {},
  metadata: {},
  recordedAt: '2026-01-01T00:00:00.000Z',
});

/** Counts events per stream, and all of them in one shared document. */
const counting: Projection = {
  name: 'counting',
  version: 1,
  collections: [
    { name: 'counts', indexes: [] },
    { name: 'totals', indexes: [] },
  ],
  filter: {},
  keys: (e) => {
    if (e.type === 'BadKeys') throw new Error('no keys');
    return [
      { collection: 'counts', id: e.streamId },
      { collection: 'totals', id: 'all' },
    ];
  },
  apply(e, docs) {
    if (e.type === 'Poison') throw new Error('poison');
    const mine = docKey({ collection: 'counts', id: e.streamId });
    if (e.type === 'Closed') return new Map([[mine, undefined]]);
    const count = Number(docs.get(mine)?.count ?? 0);
    const total = Number(docs.get('totals/all')?.n ?? 0);
    return new Map<string, Doc>([
      [mine, { _id: e.streamId, count: count + 1 }],
      ['totals/all', { _id: 'all', n: total + 1 }],
    ]);
  },
};

const loaderOver = (stored: Record<string, Doc[]>) => {
  const calls: { collection: string; ids: readonly string[] }[] = [];
  const load: DocLoader = async (collection, ids) => {
    calls.push({ collection, ids });
    const docs = stored[collection] ?? [];
    return new Map(docs.filter((d) => ids.includes(d._id)).map((d) => [d._id, d]));
  };
  return { load, calls };
};

const options = { collectionName: (local: string) => `live_${local}` };

describe('applyBatch', () => {
  it('loads each collection once, chains events in memory and stamps _position', async () => {
    const events = [event('a'), event('b'), event('a')];
    const { load, calls } = loaderOver({ counts: [{ _id: 'a', count: 5, _position: '0' }] });
    const outcome = await applyBatch(counting, events, load, options);
    expect(calls).toEqual([
      { collection: 'counts', ids: ['a', 'b'] },
      { collection: 'totals', ids: ['all'] },
    ]);
    expect(outcome.processed).toBe(3);
    expect(outcome.through).toBe(events[2]?.position);
    expect(outcome.writes).toEqual([
      {
        kind: 'put',
        collection: 'live_counts',
        doc: { _id: 'a', count: 7, _position: events[2]?.position },
      },
      {
        kind: 'put',
        collection: 'live_totals',
        doc: { _id: 'all', n: 3, _position: events[2]?.position },
      },
      {
        kind: 'put',
        collection: 'live_counts',
        doc: { _id: 'b', count: 1, _position: events[1]?.position },
      },
    ]);
  });

  it('leaves documents already at or past an event unchanged (replay is a no-op)', async () => {
    const [first, second] = [event('a'), event('a')];
    const { load } = loaderOver({
      counts: [{ _id: 'a', count: 2, _position: second!.position }],
      totals: [{ _id: 'all', n: 1, _position: first!.position }],
    });
    const outcome = await applyBatch(counting, [first!, second!], load, options);
    expect(outcome.processed).toBe(2);
    expect(outcome.writes).toEqual([
      {
        kind: 'put',
        collection: 'live_totals',
        doc: { _id: 'all', n: 2, _position: second!.position },
      },
    ]);
  });

  it('deletes documents apply maps to undefined', async () => {
    const events = [event('a'), event('a', 'Closed')];
    const { load } = loaderOver({});
    const outcome = await applyBatch(counting, events, load, options);
    expect(outcome.writes).toContainEqual({ kind: 'delete', collection: 'live_counts', id: 'a' });
  });

  it('stops at an event whose apply or keys throw, keeping the events before it', async () => {
    for (const poison of ['Poison', 'BadKeys']) {
      const events = [event('a'), event('b', poison), event('c')];
      const outcome = await applyBatch(counting, events, loaderOver({}).load, options);
      expect(outcome.processed).toBe(1);
      expect(outcome.through).toBe(events[0]?.position);
      expect(outcome.failure?.event).toBe(events[1]);
      expect(outcome.writes.map((w) => (w.kind === 'put' ? w.doc : w))).toEqual([
        { _id: 'a', count: 1, _position: events[0]?.position },
        { _id: 'all', n: 1, _position: events[0]?.position },
      ]);
    }
  });

  it('passes over skipped events, counting them as processed', async () => {
    const events = [event('a', 'Poison'), event('b')];
    const outcome = await applyBatch(counting, events, loaderOver({}).load, {
      ...options,
      skip: (e) => e.type === 'Poison',
    });
    expect(outcome.processed).toBe(2);
    expect(outcome.skipped).toEqual([events[0]]);
    expect(outcome.failure).toBeUndefined();
  });

  it('forced, applies to documents past the event and keeps their _position', async () => {
    const old = event('a');
    const { load } = loaderOver({ counts: [{ _id: 'a', count: 4, _position: '999999' }] });
    const outcome = await applyBatch(counting, [old], load, { ...options, force: true });
    expect(outcome.writes[0]).toEqual({
      kind: 'put',
      collection: 'live_counts',
      doc: { _id: 'a', count: 5, _position: '999999' },
    });
  });

  it('treats a document apply returns but keys did not name as poison', async () => {
    const sneaky: Projection = {
      ...counting,
      apply: () => new Map([['elsewhere/x', { _id: 'x' }]]),
    };
    const outcome = await applyBatch(sneaky, [event('a')], loaderOver({}).load, options);
    expect(outcome.processed).toBe(0);
    expect(String(outcome.failure?.error)).toMatch(/not named by keys/);
  });
});

describe('applyBatch, documents apply hands back', () => {
  const at = (position: string, streamId: string, type: string): RecordedEvent => ({
    ...event(streamId, type),
    position,
  });
  /** Names `keys` of events whose stream is "a,b"; apply does what the event's type says. */
  const shuffling = (given: Map<Doc, string>[] = []): Projection => ({
    ...counting,
    keys: (e) => e.streamId.split(',').map((id) => ({ collection: 'counts', id })),
    apply(e, docs) {
      const snapshot = new Map<Doc, string>();
      for (const doc of docs.values()) if (doc) snapshot.set(doc, JSON.stringify(doc));
      given.push(snapshot);
      const [first = '', second = ''] = [...docs.keys()];
      const mine = docs.get(first);
      switch (e.type) {
        case 'Same':
          return mine ? new Map([[first, mine]]) : new Map();
        case 'Bump':
          return new Map([[first, { ...mine, _id: 'ignored', n: Number(mine?.n ?? 0) + 1 }]]);
        case 'Twice': {
          const doc = { _id: 'shared', n: 1 };
          return new Map([...docs.keys()].map((k) => [k, doc]));
        }
        case 'Moved':
          return new Map([
            [first, undefined],
            [second, mine],
          ]);
        case 'Frozen':
          return new Map([[first, Object.freeze({ _id: first, n: 7 })]]);
        case 'Deleted':
          return new Map([[first, undefined]]);
        case 'Poison':
          throw new Error('poison');
        default:
          return new Map([['elsewhere/x', { _id: 'x' }]]);
      }
    },
  });

  it('stamps a copy of a document apply returns as given, never the given one', async () => {
    const loaded = { _id: 'a', n: 1, nested: { hits: [1] }, _position: '0' };
    const given: Map<Doc, string>[] = [];
    const events = [at('1', 'a', 'Same'), at('2', 'a', 'Bump'), at('3', 'a', 'Same')];
    const outcome = await applyBatch(
      shuffling(given),
      events,
      loaderOver({ counts: [loaded] }).load,
      options,
    );
    expect(outcome.writes).toEqual([
      {
        kind: 'put',
        collection: 'live_counts',
        doc: { _id: 'a', n: 2, nested: { hits: [1] }, _position: '3' },
      },
    ]);
    expect(loaded).toEqual({ _id: 'a', n: 1, nested: { hits: [1] }, _position: '0' });
    for (const snapshot of given)
      for (const [doc, then] of snapshot) expect(JSON.stringify(doc)).toBe(then);
  });

  it('gives each key its own document when apply returns one object under two', async () => {
    const outcome = await applyBatch(
      shuffling(),
      [at('1', 'a,b', 'Twice')],
      loaderOver({}).load,
      options,
    );
    expect(outcome.writes.map((w) => w.kind === 'put' && w.doc)).toEqual([
      { _id: 'a', n: 1, _position: '1' },
      { _id: 'b', n: 1, _position: '1' },
    ]);
  });

  it('moves a document to another key without changing the one given', async () => {
    const loaded = { _id: 'a', n: 4, _position: '0' };
    const outcome = await applyBatch(
      shuffling(),
      [at('1', 'a,b', 'Moved')],
      loaderOver({ counts: [loaded] }).load,
      options,
    );
    expect(outcome.writes).toEqual([
      { kind: 'delete', collection: 'live_counts', id: 'a' },
      { kind: 'put', collection: 'live_counts', doc: { _id: 'b', n: 4, _position: '1' } },
    ]);
    expect(loaded).toEqual({ _id: 'a', n: 4, _position: '0' });
  });

  it('stamps a frozen document apply returns', async () => {
    const outcome = await applyBatch(
      shuffling(),
      [at('1', 'a', 'Frozen')],
      loaderOver({}).load,
      options,
    );
    expect(outcome.failure).toBeUndefined();
    expect(outcome.writes[0]).toEqual({
      kind: 'put',
      collection: 'live_counts',
      doc: { _id: 'a', n: 7, _position: '1' },
    });
  });

  it('hands apply a document once when keys names it twice', async () => {
    const sizes: number[] = [];
    const twice: Projection = {
      ...counting,
      keys: () => [
        { collection: 'counts', id: 'a' },
        { collection: 'counts', id: 'a' },
      ],
      apply: (_, docs) => (sizes.push(docs.size), new Map([['counts/a', { _id: 'a' }]])),
    };
    const outcome = await applyBatch(twice, [event('a')], loaderOver({}).load, options);
    expect(sizes).toEqual([1]);
    expect(outcome.writes).toHaveLength(1);
  });

  it('forced, stamps documents behind the event with its position, the others with their own', async () => {
    const { load } = loaderOver({
      counts: [{ _id: 'a', count: 1, _position: '10' }],
      totals: [{ _id: 'all', n: 1, _position: '2' }],
    });
    const outcome = await applyBatch(counting, [at('5', 'a', 'Counted')], load, {
      ...options,
      force: true,
    });
    expect(outcome.writes.map((w) => w.kind === 'put' && w.doc)).toEqual([
      { _id: 'a', count: 2, _position: '10' },
      { _id: 'all', n: 2, _position: '5' },
    ]);
  });

  /** The rules spelled out plainly: every stamped document a fresh copy. */
  function reference(
    projection: Projection,
    events: readonly RecordedEvent[],
    loaded: ReadonlyMap<string, Doc>,
    force: boolean,
  ) {
    const docs = new Map<string, Doc | undefined>(loaded);
    const changed = new Map<string, string>();
    const behind = (doc: Doc | undefined, position: string) =>
      typeof doc?._position !== 'string' || BigInt(doc._position) < BigInt(position);
    let processed = 0;
    let failed: RecordedEvent | undefined;
    for (const e of events) {
      try {
        const named = new Map(projection.keys(e).map((key) => [docKey(key), key.id]));
        const due = (k: string) => force || behind(docs.get(k), e.position);
        if ([...named.keys()].some(due)) {
          const result = projection.apply(
            e,
            new Map([...named.keys()].map((k) => [k, docs.get(k)])),
          );
          if ([...result.keys()].some((k) => !named.has(k))) throw new Error('not named');
          for (const [k, doc] of result) {
            const id = named.get(k);
            if (id === undefined || !due(k)) continue;
            const current = docs.get(k);
            const position = behind(current, e.position) ? e.position : current?._position;
            docs.set(k, doc && { ...doc, _id: id, _position: position });
            changed.set(k, id);
          }
        }
      } catch {
        failed = e;
        break;
      }
      processed++;
    }
    const writes = [...changed].map(([k, id]) => {
      const doc = docs.get(k);
      return doc
        ? { kind: 'put', collection: 'live_counts', doc }
        : { kind: 'delete', collection: 'live_counts', id };
    });
    return { writes, processed, failed };
  }

  it('writes what copying every stamped document would, and changes no document it was given', async () => {
    const ids = fc.constantFrom('a', 'b', 'c');
    const streams = fc.oneof(
      ids,
      fc.tuple(ids, ids).map(([x, y]) => `${x},${y}`),
    );
    const types = fc.constantFrom('Same', 'Bump', 'Twice', 'Moved', 'Frozen', 'Deleted');
    const rare = fc.constantFrom('Poison', 'Stray');
    const step = fc.tuple(streams, fc.oneof({ weight: 20, arbitrary: types }, rare));
    const stored = fc.record(
      { a: fc.constantFrom('0', '3', '05', '6', '100'), b: fc.constantFrom('1', '4') },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 12 }),
        stored,
        fc.boolean(),
        async (steps, positions, force) => {
          const events = steps.map(([stream, type], i) => at(String(i + 1), stream, type));
          const loaded = () =>
            Object.entries(positions).map(([id, p]) => ({
              _id: id,
              n: 1,
              nested: { p },
              _position: p,
            }));
          const given: Map<Doc, string>[] = [];
          const docs = loaded();
          const outcome = await applyBatch(
            shuffling(given),
            events,
            loaderOver({ counts: docs }).load,
            {
              ...options,
              force,
            },
          );
          const expected = reference(
            shuffling(),
            events,
            new Map(loaded().map((doc) => [`counts/${doc._id}`, doc])),
            force,
          );
          expect(outcome.writes).toEqual(expected.writes);
          expect(outcome.processed).toBe(expected.processed);
          expect(outcome.failure?.event).toBe(expected.failed);
          expect(docs).toEqual(loaded());
          for (const snapshot of given)
            for (const [doc, then] of snapshot) expect(JSON.stringify(doc)).toBe(then);
        },
      ),
      { numRuns: 500 },
    );
  });
});
