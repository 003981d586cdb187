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
