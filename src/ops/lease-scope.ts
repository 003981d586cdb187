import type { AppError } from '../errors.js';
import { LeaseKeeper } from '../projections/lease-keeper.js';
import type { ReadStore } from '../stores/read-store.js';

export interface LeaseScope {
  readonly readStore: ReadStore;
  readonly lease: string;
  readonly holder: string;
  readonly ttlMs: number;
}

/**
 * Runs `work` holding a lease, renewed until the work ends; `refused` is
 * thrown when another holder has it. The signal aborts when the lease is
 * lost (renewals failed until it ran out): the work must stop writing then.
 * After a crash the lease simply runs out.
 */
export async function underLease<T>(
  scope: LeaseScope,
  refused: () => AppError,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const keeper = new LeaseKeeper({ ...scope, clock: Date.now, onError: () => undefined });
  if (!(await keeper.acquire())) throw refused();
  const lost = new AbortController();
  keeper.keep(
    () => lost.abort(new Error(`Lost the lease ${scope.lease}`)),
    () => undefined,
  );
  try {
    return await work(lost.signal);
  } finally {
    await keeper.release();
  }
}
