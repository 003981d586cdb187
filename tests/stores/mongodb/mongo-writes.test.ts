import type { Write } from '../../../src/stores/read-store.js';
import { InvalidWriteError } from '../../../src/stores/mongodb/mongo-errors.js';
import { toBulkOperation, toCollectionBatches } from '../../../src/stores/mongodb/mongo-writes.js';

describe('MongoDB bulk writes', () => {
  it('puts as replaceOne upserts of the whole document', () => {
    const doc = { _id: 'p1', name: 'Mug', _position: '7' };
    expect(toBulkOperation({ kind: 'put', collection: 'catalog', doc })).toEqual({
      replaceOne: { filter: { _id: 'p1' }, replacement: doc, upsert: true },
    });
  });

  it('updates as updateOne, upserting only when asked', () => {
    const update = { $inc: { n: 1 } };
    expect(toBulkOperation({ kind: 'update', collection: 'c', id: 'a', update })).toEqual({
      updateOne: { filter: { _id: 'a' }, update, upsert: false },
    });
    expect(
      toBulkOperation({ kind: 'update', collection: 'c', id: 'a', update, upsert: true }),
    ).toMatchObject({ updateOne: { upsert: true } });
  });

  it('deletes as deleteOne', () => {
    expect(toBulkOperation({ kind: 'delete', collection: 'c', id: 'a' })).toEqual({
      deleteOne: { filter: { _id: 'a' } },
    });
  });

  it('groups writes by collection, keeping their order within each', () => {
    const writes: Write[] = [
      { kind: 'put', collection: 'orders', doc: { _id: 'o1' } },
      { kind: 'update', collection: 'stats', id: 'day', update: { $inc: { n: 1 } }, upsert: true },
      { kind: 'delete', collection: 'orders', id: 'o1' },
      { kind: 'put', collection: 'orders', doc: { _id: 'o2' } },
    ];
    const batches = toCollectionBatches(writes);
    expect(batches.map((b) => b.collection)).toEqual(['orders', 'stats']);
    expect(batches[0]!.operations.map((op) => Object.keys(op)[0])).toEqual([
      'replaceOne',
      'deleteOne',
      'replaceOne',
    ]);
    expect(batches[1]!.operations).toHaveLength(1);
  });

  it('has nothing to send for no writes', () => {
    expect(toCollectionBatches([])).toEqual([]);
  });

  it('refuses the whole batch when any write is invalid', () => {
    const writes: Write[] = [
      { kind: 'put', collection: 'c', doc: { _id: 'a', v: 2 } },
      { kind: 'update', collection: 'c', id: 'a', update: { $notAnOperator: { v: 3 } } },
    ];
    expect(() => toCollectionBatches(writes)).toThrow(InvalidWriteError);
    expect(() => toCollectionBatches(writes)).toThrow(/write 1 .*\$notAnOperator/);
  });

  it('refuses documents without a string id or with operator fields', () => {
    const put = (doc: unknown): Write[] => [{ kind: 'put', collection: 'c', doc: doc as never }];
    expect(() => toCollectionBatches(put({ _id: 7 }))).toThrow(/_id is not a string/);
    expect(() => toCollectionBatches(put({ _id: 'a', $set: { x: 1 } }))).toThrow(/\$set/);
    expect(() =>
      toCollectionBatches([{ kind: 'delete', collection: 'c', id: 1 as unknown as string }]),
    ).toThrow(/id is not a string/);
  });

  it('keeps writes out of the internal and system collections', () => {
    for (const collection of ['_checkpoints', '_leases', 'system.views', '']) {
      expect(() => toCollectionBatches([{ kind: 'put', collection, doc: { _id: 'a' } }])).toThrow(
        RangeError,
      );
    }
  });
});
