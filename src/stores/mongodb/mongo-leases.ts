import type { Collection, Filter, UpdateFilter } from 'mongodb';
import { isDuplicateKeyError } from './mongo-errors.js';

export interface LeaseDoc {
  _id: string;
  holder: string;
  expiresAt: Date;
}

export interface LeaseClaim {
  readonly filter: Filter<LeaseDoc>;
  readonly update: UpdateFilter<LeaseDoc>;
}

/** Matches the lease when it has expired or is already `holder`'s, and renews it for `holder`. */
export function leaseClaim(name: string, holder: string, ttlMs: number, now: number): LeaseClaim {
  if (!Number.isFinite(ttlMs) || ttlMs < 0) {
    throw new RangeError(`A lease's time to live must be a non-negative number, not ${ttlMs}`);
  }
  return {
    filter: { _id: name, $or: [{ expiresAt: { $lte: new Date(now) } }, { holder }] },
    update: { $set: { holder, expiresAt: new Date(now + ttlMs) } },
  };
}

/**
 * One atomic upsert. When another holder's lease is live the filter matches
 * nothing and the upsert's insert collides with the existing `_id` (E11000);
 * two claimants upserting an absent lease at once collide the same way, and
 * the loser is told it did not get the lease.
 */
export async function acquireLease(
  leases: Collection<LeaseDoc>,
  claim: LeaseClaim,
): Promise<boolean> {
  try {
    const result = await leases.updateOne(claim.filter, claim.update, { upsert: true });
    return result.matchedCount + result.upsertedCount > 0;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

export async function releaseLease(
  leases: Collection<LeaseDoc>,
  name: string,
  holder: string,
): Promise<void> {
  await leases.deleteOne({ _id: name, holder });
}
