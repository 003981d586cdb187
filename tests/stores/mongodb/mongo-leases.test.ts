import { MongoServerError, type Collection } from 'mongodb';
import {
  acquireLease,
  leaseClaim,
  releaseLease,
  type LeaseDoc,
} from '../../../src/stores/mongodb/mongo-leases.js';

const NOW = Date.UTC(2026, 0, 1);

function fakeLeases(updateOne: () => Promise<unknown>) {
  const calls: unknown[][] = [];
  const collection = {
    updateOne: (...args: unknown[]) => {
      calls.push(['updateOne', ...args]);
      return updateOne();
    },
    deleteOne: (...args: unknown[]) => {
      calls.push(['deleteOne', ...args]);
      return Promise.resolve({ deletedCount: 1 });
    },
  };
  return { calls, leases: collection as unknown as Collection<LeaseDoc> };
}

const updated = (matchedCount: number, upsertedCount: number) =>
  Promise.resolve({ acknowledged: true, matchedCount, upsertedCount, modifiedCount: 1 });

describe('MongoDB leases', () => {
  it('claims a lease that has expired or is already the holder’s, until now + ttl', () => {
    expect(leaseClaim('projector', 'a', 30_000, NOW)).toEqual({
      filter: { _id: 'projector', $or: [{ expiresAt: { $lte: new Date(NOW) } }, { holder: 'a' }] },
      update: { $set: { holder: 'a', expiresAt: new Date(NOW + 30_000) } },
    });
  });

  it('refuses a negative or unknown time to live', () => {
    expect(() => leaseClaim('p', 'a', -1, NOW)).toThrow(RangeError);
    expect(() => leaseClaim('p', 'a', Number.NaN, NOW)).toThrow(RangeError);
  });

  it('acquires with one upserting update: renewed, taken over or created', async () => {
    const claim = leaseClaim('p', 'a', 1000, NOW);
    const { calls, leases } = fakeLeases(() => updated(1, 0));
    expect(await acquireLease(leases, claim)).toBe(true);
    expect(calls).toEqual([['updateOne', claim.filter, claim.update, { upsert: true }]]);
    expect(await acquireLease(fakeLeases(() => updated(0, 1)).leases, claim)).toBe(true);
  });

  it("is refused when another holder's live lease makes the upsert collide (E11000)", async () => {
    const duplicate = new MongoServerError({
      message: 'E11000 duplicate key error collection: commerce._leases index: _id_',
      code: 11000,
      ok: 0,
    });
    const { leases } = fakeLeases(() => Promise.reject(duplicate));
    expect(await acquireLease(leases, leaseClaim('p', 'b', 1000, NOW))).toBe(false);
  });

  it('passes other failures on', async () => {
    const { leases } = fakeLeases(() => Promise.reject(new Error('connection reset')));
    await expect(acquireLease(leases, leaseClaim('p', 'b', 1000, NOW))).rejects.toThrow(
      'connection reset',
    );
  });

  it("releases only the holder's lease", async () => {
    const { calls, leases } = fakeLeases(() => updated(0, 0));
    await releaseLease(leases, 'p', 'a');
    expect(calls).toEqual([['deleteOne', { _id: 'p', holder: 'a' }]]);
  });
});
