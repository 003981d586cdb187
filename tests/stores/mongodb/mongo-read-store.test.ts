import { MongoServerError, type Document, type MongoClient } from 'mongodb';
import { ReadStoreLimitError, type Write } from '../../../src/stores/read-store.js';
import { MongoReadStore } from '../../../src/stores/mongodb/mongo-read-store.js';

type Call = [string, ...unknown[]];

/** Just enough of the driver to watch what the store sends, in order. */
function fakeClient(
  setup: {
    hello?: Document;
    docs?: Document[];
    rows?: Document[];
    collections?: Document[];
    transactionError?: unknown;
    aggregateError?: unknown;
    renameError?: unknown;
  } = {},
) {
  const calls: Call[] = [];
  const record =
    (name: string, result: () => unknown = () => undefined) =>
    (...args: unknown[]) => {
      calls.push([name, ...args]);
      return Promise.resolve().then(result);
    };
  const cursor =
    (name: string, items: () => Document[]) =>
    (...args: unknown[]) => {
      calls.push([name, ...args]);
      return { toArray: () => Promise.resolve(items()) };
    };
  const collection = (name: string) => ({
    collectionName: name,
    bulkWrite: record(`${name}.bulkWrite`),
    updateOne: record(`${name}.updateOne`, () => ({ matchedCount: 0, upsertedCount: 1 })),
    deleteOne: record(`${name}.deleteOne`),
    findOne: record(`${name}.findOne`, () => setup.docs?.[0] ?? null),
    createIndexes: record(`${name}.createIndexes`),
    countDocuments: record(`${name}.countDocuments`, () => 0),
    find: cursor(`${name}.find`, () => setup.docs ?? []),
    aggregate: cursor(`${name}.aggregate`, () => {
      if (setup.aggregateError) throw setup.aggregateError;
      return setup.rows ?? [];
    }),
  });
  const db = {
    collection,
    admin: () => ({ command: record('hello', () => setup.hello ?? {}) }),
    listCollections: cursor('listCollections', () => setup.collections ?? []),
    dropCollection: record('dropCollection', () => true),
    renameCollection: record('renameCollection', () => {
      if (setup.renameError) throw setup.renameError;
    }),
  };
  const session = {
    withTransaction: async (fn: (s: unknown) => Promise<unknown>, options: unknown) => {
      calls.push(['startTransaction', options]);
      if (setup.transactionError) throw setup.transactionError;
      const result = await fn(session);
      calls.push(['commitTransaction']);
      return result;
    },
  };
  const client = {
    db: (name: string) => {
      calls.push(['db', name]);
      return db;
    },
    withSession: (fn: (s: unknown) => Promise<unknown>) => fn(session),
    close: record('close'),
  };
  return { calls, session, client: client as unknown as MongoClient };
}

const writes: Write[] = [
  { kind: 'put', collection: 'orders', doc: { _id: 'o1', _position: '9' } },
  { kind: 'update', collection: 'stats', id: 'd', update: { $inc: { n: 1 } }, upsert: true },
  { kind: 'delete', collection: 'orders', id: 'o0' },
];

const names = (calls: Call[]) => calls.map(([name]) => name);

describe('MongoReadStore', () => {
  it('uses the database it is given', () => {
    const { calls, client } = fakeClient();
    new MongoReadStore(client, 'shop');
    expect(calls).toEqual([['db', 'shop']]);
  });

  describe('commits on a standalone server', () => {
    it('writes each collection in one ordered bulkWrite, then moves the checkpoint', async () => {
      const { calls, client } = fakeClient({ hello: { isWritablePrimary: true } });
      const store = new MongoReadStore(client, 'shop');
      await store.commit('orders-view', '10', writes);
      expect(calls.slice(1)).toEqual([
        ['hello', { hello: 1 }],
        [
          'orders.bulkWrite',
          [
            { replaceOne: expect.objectContaining({ filter: { _id: 'o1' }, upsert: true }) },
            { deleteOne: { filter: { _id: 'o0' } } },
          ],
          { ordered: true },
        ],
        ['stats.bulkWrite', [{ updateOne: expect.anything() }], { ordered: true }],
        [
          '_checkpoints.updateOne',
          { _id: 'orders-view' },
          { $set: { position: '10' } },
          { upsert: true },
        ],
      ]);
    });

    it('asks the server about transactions once', async () => {
      const { calls, client } = fakeClient();
      const store = new MongoReadStore(client, 'shop');
      await store.commit('p', '1', writes);
      await store.commit('p', '2', writes);
      expect(names(calls).filter((n) => n === 'hello')).toHaveLength(1);
    });

    it('leaves the checkpoint alone without a position, and sends nothing for nothing', async () => {
      const { calls, client } = fakeClient();
      const store = new MongoReadStore(client, 'shop');
      await store.commit('p', undefined, []);
      expect(names(calls)).toEqual(['db']);
      await store.commit('p', undefined, writes);
      expect(names(calls)).not.toContain('_checkpoints.updateOne');
    });

    it('refuses an invalid update before sending anything', async () => {
      const { calls, client } = fakeClient();
      const store = new MongoReadStore(client, 'shop');
      await expect(
        store.commit('p', '11', [
          { kind: 'put', collection: 'c', doc: { _id: 'a', v: 2 } },
          { kind: 'update', collection: 'c', id: 'a', update: { $notAnOperator: { v: 3 } } },
        ]),
      ).rejects.toThrow(/\$notAnOperator/);
      expect(names(calls)).toEqual(['db']);
    });
  });

  describe('commits on a replica set or sharded cluster', () => {
    it.each([{ setName: 'rs0', isWritablePrimary: true }, { msg: 'isdbgrid' }])(
      'runs every write and the checkpoint in one transaction (%j)',
      async (hello) => {
        const { calls, client, session } = fakeClient({ hello });
        const store = new MongoReadStore(client, 'shop');
        await store.commit('p', '10', writes);
        expect(names(calls)).toEqual([
          'db',
          'hello',
          'startTransaction',
          'orders.bulkWrite',
          'stats.bulkWrite',
          '_checkpoints.updateOne',
          'commitTransaction',
        ]);
        expect(calls[2]).toEqual(['startTransaction', { writeConcern: { w: 'majority' } }]);
        for (const call of calls.slice(3, 6)) {
          expect(call[call.length - 1]).toMatchObject({ session });
        }
      },
    );

    it('can be told to use transactions without asking', async () => {
      const { calls, client } = fakeClient();
      await new MongoReadStore(client, 'shop', { transactions: true }).commit('p', '1', []);
      expect(names(calls)).toEqual([
        'db',
        'startTransaction',
        '_checkpoints.updateOne',
        'commitTransaction',
      ]);
    });

    it('passes a failed transaction on without writing outside it', async () => {
      const conflict = new MongoServerError({ message: 'WriteConflict', code: 112, ok: 0 });
      const { calls, client } = fakeClient({ transactionError: conflict });
      const store = new MongoReadStore(client, 'shop', { transactions: true });
      await expect(store.commit('p', '1', writes)).rejects.toBe(conflict);
      expect(names(calls)).toEqual(['db', 'startTransaction']);
    });

    it('falls back to ordered writes when the server refuses transactions, and remembers', async () => {
      const refused = new MongoServerError({
        message: 'Transaction numbers are only allowed on a replica set member or mongos',
        code: 20,
        ok: 0,
      });
      const { calls, client } = fakeClient({ transactionError: refused });
      const store = new MongoReadStore(client, 'shop', { transactions: true });
      await store.commit('p', '1', writes);
      await store.commit('p', '2', writes);
      expect(names(calls).filter((n) => n === 'startTransaction')).toHaveLength(1);
      expect(names(calls).filter((n) => n === '_checkpoints.updateOne')).toHaveLength(2);
    });
  });

  it('reads checkpoints from _checkpoints', async () => {
    const { calls, client } = fakeClient({ docs: [{ _id: 'p', position: '42' }] });
    expect(await new MongoReadStore(client, 'shop').checkpoint('p')).toBe('42');
    expect(calls[1]).toEqual(['_checkpoints.findOne', { _id: 'p' }]);
    expect(await new MongoReadStore(fakeClient().client, 'shop').checkpoint('p')).toBeUndefined();
  });

  it('creates indexes by name, marking only unique ones', async () => {
    const { calls, client } = fakeClient();
    const store = new MongoReadStore(client, 'shop');
    await store.ensureIndexes('orders', []);
    await store.ensureIndexes('orders', [
      { name: 'by_customer', keys: { customer: 1, at: -1 } },
      { name: 'by_number', keys: { number: 1 }, unique: true },
    ]);
    expect(calls.slice(1)).toEqual([
      [
        'orders.createIndexes',
        [
          { name: 'by_customer', key: { customer: 1, at: -1 } },
          { name: 'by_number', key: { number: 1 }, unique: true },
        ],
      ],
    ]);
  });

  it('lists read-model collections only', async () => {
    const { client } = fakeClient({
      collections: [
        { name: 'orders', type: 'collection' },
        { name: '_checkpoints', type: 'collection' },
        { name: '_leases', type: 'collection' },
        { name: 'system.views', type: 'collection' },
        { name: 'recent', type: 'view' },
        { name: 'catalog', type: 'collection' },
      ],
    });
    expect(await new MongoReadStore(client, 'shop').listCollections()).toEqual([
      'catalog',
      'orders',
    ]);
  });

  it('renames over the target, and empties the target when the source is missing', async () => {
    const { calls, client } = fakeClient();
    await new MongoReadStore(client, 'shop').renameCollection('orders_shadow', 'orders');
    expect(calls[1]).toEqual(['renameCollection', 'orders_shadow', 'orders', { dropTarget: true }]);
    const missing = new MongoServerError({ message: 'source namespace does not exist', code: 26 });
    const gone = fakeClient({ renameError: missing });
    await new MongoReadStore(gone.client, 'shop').renameCollection('orders_shadow', 'orders');
    expect(gone.calls.slice(2)).toEqual([['dropCollection', 'orders']]);
  });

  it('keeps its own collections out of reach', async () => {
    const store = new MongoReadStore(fakeClient().client, 'shop');
    expect(() => store.collection('_leases')).toThrow(RangeError);
    await expect(store.dropCollection('_checkpoints')).rejects.toThrow(RangeError);
    await expect(store.renameCollection('x', '_checkpoints')).rejects.toThrow(RangeError);
  });

  describe('collections', () => {
    it('returns getMany in the order asked, asking once for each id', async () => {
      const { calls, client } = fakeClient({ docs: [{ _id: 'b' }, { _id: 'a' }] });
      const found = await new MongoReadStore(client, 'shop')
        .collection('c')
        .getMany(['a', 'x', 'b', 'a']);
      expect([...found.keys()]).toEqual(['a', 'b']);
      expect(calls[1]).toEqual(['c.find', { _id: { $in: ['a', 'x', 'b'] } }, {}]);
    });

    it('bounds aggregations and refuses results over maxResults', async () => {
      const rows = Array.from({ length: 11 }, (_, i) => ({ _id: `r${i}` }));
      const { calls, client } = fakeClient({ rows });
      const c = new MongoReadStore(client, 'shop').collection('c');
      await expect(c.aggregate([{ $match: {} }], { maxResults: 10 })).rejects.toBeInstanceOf(
        ReadStoreLimitError,
      );
      expect(calls[1]).toEqual(['c.aggregate', [{ $match: {} }, { $limit: 11 }], {}]);
      expect(await c.aggregate([{ $match: {} }], { maxResults: 11, maxTimeMs: 500 })).toEqual(rows);
      expect(calls[2]).toEqual([
        'c.aggregate',
        [{ $match: {} }, { $limit: 12 }],
        { maxTimeMS: 500 },
      ]);
    });

    it('reports a server time-out as a limit error', async () => {
      const expired = new MongoServerError({
        message: 'operation exceeded time limit',
        code: 50,
        codeName: 'MaxTimeMSExpired',
      });
      const { client } = fakeClient({ aggregateError: expired });
      await expect(
        new MongoReadStore(client, 'shop').collection('c').aggregate([], { maxTimeMs: 1 }),
      ).rejects.toBeInstanceOf(ReadStoreLimitError);
    });
  });

  it('fails to connect plainly when no server answers', async () => {
    await expect(
      MongoReadStore.connect('mongodb://127.0.0.1:1/shop', {
        clientOptions: { serverSelectionTimeoutMS: 200 },
      }),
    ).rejects.toThrow();
  });

  it('times leases by the clock it is given', async () => {
    const { calls, client } = fakeClient();
    const now = Date.UTC(2026, 0, 1);
    const store = new MongoReadStore(client, 'shop', { now: () => now });
    expect(await store.acquireLease('runner', 'a', 1000)).toBe(true);
    expect(calls[1]).toEqual([
      '_leases.updateOne',
      { _id: 'runner', $or: [{ expiresAt: { $lte: new Date(now) } }, { holder: 'a' }] },
      { $set: { holder: 'a', expiresAt: new Date(now + 1000) } },
      { upsert: true },
    ]);
    await store.releaseLease('runner', 'a');
    expect(calls[2]).toEqual(['_leases.deleteOne', { _id: 'runner', holder: 'a' }]);
  });

  it('closes the client once', async () => {
    const { calls, client } = fakeClient();
    const store = new MongoReadStore(client, 'shop');
    await store.close();
    await store.close();
    expect(names(calls).filter((n) => n === 'close')).toHaveLength(1);
  });
});
