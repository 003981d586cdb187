import { v7 as uuidv7 } from 'uuid';
import { ReadStoreLimitError, type Doc, type ReadStore } from '../../src/stores/read-store.js';

export interface ReadStoreTarget {
  open(): Promise<ReadStore>;
  dispose?(store: ReadStore): Promise<void>;
}

interface Product extends Doc {
  name: string;
  category: string;
  price: { amount: number; currency: string };
  tags: string[];
  stock?: number;
}

const product = (i: number, extra: Partial<Product> = {}): Product => ({
  _id: `p${String(i).padStart(4, '0')}`,
  name: `Product ${i}`,
  category: i % 2 ? 'odd' : 'even',
  price: { amount: 100 * (i % 10), currency: i % 3 ? 'EUR' : 'USD' },
  tags: i % 5 ? ['a', `t${i % 5}`] : ['b'],
  ...extra,
});

/**
 * One suite for every ReadStore adapter. Each test works in collections named
 * after a fresh prefix, so the suite can share a server.
 */
export function describeReadStoreContract(name: string, target: ReadStoreTarget): void {
  describe(`ReadStore contract: ${name}`, () => {
    let store: ReadStore;
    let prefix: string;
    const col = (n: string) => `${prefix}_${n}`;
    const putAll = (collection: string, docs: Doc[]) =>
      store.commit(
        `${collection}-seed`,
        undefined,
        docs.map((doc) => ({ kind: 'put', collection, doc })),
      );

    beforeEach(async () => {
      store = await target.open();
      prefix = `t${uuidv7().replace(/-/g, '').slice(-12)}`;
    });
    afterEach(async () => {
      for (const c of await store.listCollections()) {
        if (c.startsWith(prefix)) await store.dropCollection(c);
      }
      if (target.dispose) await target.dispose(store);
      else await store.close();
    });

    describe('documents', () => {
      it('puts, gets, replaces and deletes documents', async () => {
        const products = store.collection<Product>(col('products'));
        await putAll(col('products'), [product(1), product(2)]);
        expect(await products.get('p0001')).toEqual(product(1));
        expect(await products.get('nope')).toBeUndefined();
        await store.commit('x', undefined, [
          { kind: 'put', collection: col('products'), doc: product(1, { name: 'Renamed' }) },
          { kind: 'delete', collection: col('products'), id: 'p0002' },
        ]);
        expect((await products.get('p0001'))?.name).toBe('Renamed');
        expect(await products.get('p0002')).toBeUndefined();
        const many = await products.getMany(['p0001', 'p0002', 'p0003']);
        expect([...many.keys()]).toEqual(['p0001']);
      });

      it('applies update operators, upserting when asked', async () => {
        const c = col('counters');
        await store.commit('x', undefined, [
          {
            kind: 'update',
            collection: c,
            id: 'a',
            update: { $inc: { n: 2 }, $set: { label: 'A' } },
            upsert: true,
          },
          {
            kind: 'update',
            collection: c,
            id: 'a',
            update: { $inc: { n: 3 }, $push: { seen: 'x' } },
          },
          { kind: 'update', collection: c, id: 'missing', update: { $inc: { n: 1 } } },
          {
            kind: 'update',
            collection: c,
            id: 'b',
            update: { $set: { 'nested.deep': 1 } },
            upsert: true,
          },
        ]);
        expect(await store.collection(c).get('a')).toEqual({
          _id: 'a',
          n: 5,
          label: 'A',
          seen: ['x'],
        });
        expect(await store.collection(c).get('missing')).toBeUndefined();
        expect(await store.collection(c).get('b')).toEqual({ _id: 'b', nested: { deep: 1 } });
      });

      it('keeps unicode and large documents intact', async () => {
        const doc = {
          _id: 'u',
          text: '你好 Grüße 🛒 שלום',
          blob: 'x'.repeat(200_000),
          list: [1, { a: null }],
        };
        await putAll(col('u'), [doc]);
        expect(await store.collection(col('u')).get('u')).toEqual(doc);
      });
    });

    describe('queries', () => {
      let products: ReturnType<ReadStore['collection']>;
      beforeEach(async () => {
        await store.ensureIndexes(col('q'), [
          { name: 'by_category_price', keys: { category: 1, 'price.amount': 1 } },
        ]);
        await putAll(
          col('q'),
          Array.from({ length: 40 }, (_, i) => product(i)),
        );
        products = store.collection(col('q'));
      });

      it('filters with equality, ranges, $in, dotted paths and arrays', async () => {
        const ids = async (filter: Record<string, unknown>) =>
          (await products.find(filter, { sort: { _id: 1 } })).map((d) => d._id);
        expect(await ids({ category: 'odd', 'price.amount': { $gte: 700 } })).toEqual([
          'p0007',
          'p0009',
          'p0017',
          'p0019',
          'p0027',
          'p0029',
          'p0037',
          'p0039',
        ]);
        expect(await ids({ _id: { $in: ['p0003', 'p0033', 'zzz'] } })).toEqual(['p0003', 'p0033']);
        expect(await ids({ tags: 'b', 'price.currency': 'USD' })).toEqual([
          'p0000',
          'p0015',
          'p0030',
        ]);
        expect(await ids({ tags: { $all: ['a', 't1'] }, category: 'even' })).toEqual([
          'p0006',
          'p0016',
          'p0026',
          'p0036',
        ]);
        expect(await ids({ $or: [{ _id: 'p0001' }, { name: 'Product 2' }] })).toEqual([
          'p0001',
          'p0002',
        ]);
        expect(await ids({ stock: { $exists: true } })).toEqual([]);
      });

      it('sorts on several keys, pages with skip and limit, and projects', async () => {
        const page = await products.find(
          { category: 'even' },
          {
            sort: { 'price.amount': -1, _id: 1 },
            skip: 2,
            limit: 3,
            projection: { name: 1, price: 1 },
          },
        );
        expect(page).toEqual([
          { _id: 'p0028', name: 'Product 28', price: { amount: 800, currency: 'EUR' } },
          { _id: 'p0038', name: 'Product 38', price: { amount: 800, currency: 'EUR' } },
          { _id: 'p0006', name: 'Product 6', price: { amount: 600, currency: 'USD' } },
        ]);
        const excluded = await products.find(
          { _id: 'p0001' },
          { projection: { tags: 0, price: 0 } },
        );
        expect(excluded).toEqual([{ _id: 'p0001', name: 'Product 1', category: 'odd' }]);
      });

      it('counts', async () => {
        expect(await products.count()).toBe(40);
        expect(await products.count({ category: 'odd', 'price.currency': 'EUR' })).toBe(13);
      });

      it('aggregates with $match, $group, $sort, $project and $limit', async () => {
        const rows = await products.aggregate([
          { $match: { 'price.currency': 'EUR' } },
          { $group: { _id: '$category', total: { $sum: '$price.amount' }, n: { $sum: 1 } } },
          { $sort: { _id: 1 } },
          { $project: { _id: 0, category: '$_id', total: 1, n: 1 } },
        ]);
        expect(rows).toEqual([
          { category: 'even', total: 5400, n: 13 },
          { category: 'odd', total: 6300, n: 13 },
        ]);
      });

      it('refuses results over the size limit', async () => {
        await expect(
          products.aggregate([{ $match: {} }], { maxResults: 10 }),
        ).rejects.toBeInstanceOf(ReadStoreLimitError);
        expect(
          await products.aggregate([{ $match: {} }, { $limit: 10 }], { maxResults: 10 }),
        ).toHaveLength(10);
      });

      it('matches an array field through its index when any element matches', async () => {
        const name = col('multikey');
        await store.ensureIndexes(name, [
          { name: 'by_words_kind', keys: { words: 1, kind: 1, rank: 1 } },
        ]);
        await putAll(name, [
          { _id: 'a', words: ['red', 'big'], kind: 'x', rank: 1 },
          { _id: 'b', words: ['red', 'small', 'red'], kind: 'y', rank: 2 },
          { _id: 'c', words: 'red', kind: 'x', rank: 3 },
          { _id: 'd', words: ['blue'], kind: 'x' },
          { _id: 'e', words: [], kind: 'y', rank: 5 },
        ]);
        const words = store.collection(name);
        const ids = async (filter: Record<string, unknown>, limit?: number) =>
          (await words.find(filter, { sort: { _id: 1 }, ...(limit && { limit }) })).map(
            (d) => d._id,
          );
        const kinds = async (filter: Record<string, unknown>) =>
          (
            await words.aggregate([
              { $match: filter },
              { $group: { _id: '$kind', n: { $sum: 1 } } },
              { $sort: { _id: 1 } },
            ])
          ).map((row) => [row._id, row.n]);
        expect(await ids({ words: 'red' })).toEqual(['a', 'b', 'c']);
        expect(await ids({ words: 'red' }, 2)).toEqual(['a', 'b']);
        expect(await ids({ words: 'red', kind: 'x' })).toEqual(['a', 'c']);
        expect(await ids({ words: { $all: ['red', 'big'] } })).toEqual(['a']);
        expect(await ids({ words: { $in: ['big', 'small'] } })).toEqual(['a', 'b']);
        expect(await ids({ words: { $gte: 'r' } })).toEqual(['a', 'b', 'c']);
        expect(await ids({ words: 'red', rank: { $gte: 2 } })).toEqual(['b', 'c']);
        expect(await words.count({ words: 'red' })).toBe(3);
        expect(await words.count({ words: { $in: ['red', 'big'] } })).toBe(3);
        expect(await words.count({ words: 'red', kind: 'y' })).toBe(1);
        expect(await kinds({ words: 'red' })).toEqual([
          ['x', 2],
          ['y', 1],
        ]);

        await store.commit(name, undefined, [
          { kind: 'put', collection: name, doc: { _id: 'a', words: ['green'], kind: 'y' } },
          { kind: 'update', collection: name, id: 'd', update: { $push: { words: 'red' } } },
          { kind: 'update', collection: name, id: 'c', update: { $set: { kind: 'y' } } },
          { kind: 'delete', collection: name, id: 'b' },
        ]);
        expect(await ids({ words: 'red' })).toEqual(['c', 'd']);
        expect(await ids({ words: 'green', kind: 'y' })).toEqual(['a']);
        expect(await words.count({ words: 'small' })).toBe(0);
        expect(await words.count({ words: 'red', kind: 'y' })).toBe(1);
        expect(await kinds({ words: 'red' })).toEqual([
          ['x', 1],
          ['y', 1],
        ]);
      });

      it('finds through an index the same documents as without one', async () => {
        const c = col('big');
        await store.ensureIndexes(c, [{ name: 'by_owner_time', keys: { owner: 1, at: -1 } }]);
        await store.ensureIndexes(c, [{ name: 'by_owner_time', keys: { owner: 1, at: -1 } }]);
        const docs = Array.from({ length: 3000 }, (_, i) => ({
          _id: `d${i}`,
          owner: `o${i % 30}`,
          at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
        }));
        await putAll(c, docs);
        const page = await store
          .collection(c)
          .find({ owner: 'o7' }, { sort: { at: -1 }, limit: 5 });
        const expected = docs
          .filter((d) => d.owner === 'o7')
          .sort((a, b) => (a.at < b.at ? 1 : -1))
          .slice(0, 5);
        expect(page).toEqual(expected);
        const before = await store
          .collection(c)
          .find({ owner: 'o7', at: { $lt: expected[4]!.at } }, { sort: { at: -1 }, limit: 2 });
        expect(before.map((d) => d._id)).toEqual(
          docs
            .filter((d) => d.owner === 'o7' && d.at < expected[4]!.at)
            .sort((a, b) => (a.at < b.at ? 1 : -1))
            .slice(0, 2)
            .map((d) => d._id),
        );
      });
    });

    describe('commits and checkpoints', () => {
      it('moves the checkpoint with the writes', async () => {
        expect(await store.checkpoint(col('proj'))).toBeUndefined();
        await store.commit(col('proj'), '42', [
          { kind: 'put', collection: col('c'), doc: { _id: 'a', v: 1 } },
        ]);
        expect(await store.checkpoint(col('proj'))).toBe('42');
        await store.commit(col('proj'), '43', []);
        expect(await store.checkpoint(col('proj'))).toBe('43');
      });

      it('a failing batch applies nothing and leaves the checkpoint', async () => {
        await store.commit(col('proj'), '10', [
          { kind: 'put', collection: col('c'), doc: { _id: 'a', v: 1 } },
        ]);
        await expect(
          store.commit(col('proj'), '11', [
            { kind: 'put', collection: col('c'), doc: { _id: 'a', v: 2 } },
            { kind: 'update', collection: col('c'), id: 'a', update: { $notAnOperator: { v: 3 } } },
          ]),
        ).rejects.toThrow();
        expect(await store.collection(col('c')).get('a')).toEqual({ _id: 'a', v: 1 });
        expect(await store.checkpoint(col('proj'))).toBe('10');
      });
    });

    describe('collections', () => {
      it('renames a collection over another and drops collections', async () => {
        await putAll(col('live'), [{ _id: 'old' }]);
        await putAll(col('shadow'), [{ _id: 'new' }]);
        await store.ensureIndexes(col('shadow'), [{ name: 'by_x', keys: { x: 1 } }]);
        await store.renameCollection(col('shadow'), col('live'));
        expect(await store.collection(col('live')).find()).toEqual([{ _id: 'new' }]);
        const names = await store.listCollections();
        expect(names).toContain(col('live'));
        expect(names).not.toContain(col('shadow'));
        await store.dropCollection(col('live'));
        expect(await store.collection(col('live')).count()).toBe(0);
      });
    });

    describe('leases', () => {
      it('lets one holder at a time hold a lease until it expires or is released', async () => {
        const lease = col('lease');
        expect(await store.acquireLease(lease, 'a', 60_000)).toBe(true);
        expect(await store.acquireLease(lease, 'b', 60_000)).toBe(false);
        expect(await store.acquireLease(lease, 'a', 60_000)).toBe(true);
        await store.releaseLease(lease, 'a');
        expect(await store.acquireLease(lease, 'b', 1)).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 5));
        expect(await store.acquireLease(lease, 'a', 60_000)).toBe(true);
        await store.releaseLease(lease, 'b');
        expect(await store.acquireLease(lease, 'b', 60_000)).toBe(false);
      });
    });
  });
}
