import { AppError } from '../errors.js';
import { projectionLease } from '../projections/dead-letters.js';
import type { ReadModels } from '../projections/read-models.js';
import type { ReadStore } from '../stores/read-store.js';
import { underLease } from './lease-scope.js';

export interface ExclusiveAccessDeps {
  readonly readStore: ReadStore;
  readonly holder: string;
  readonly readModels?: ReadModels | undefined;
  readonly leaseTtlMs: number;
}

const isBusy = (error: unknown) => (error as { code?: unknown } | null)?.code === 'PROJECTION_BUSY';

/**
 * Runs `work` while nothing applies the live read model: through this
 * process's runner between two batches when it holds the projection's lease,
 * else by taking that lease itself (a command-line tool, or a server whose
 * runner is starting). When another process applies the read model the
 * answer is PROJECTION_BUSY (409): the work must then go through that
 * process's HTTP API, never around its runner.
 */
export async function withReadModelPaused<T>(
  deps: ExclusiveAccessDeps,
  name: string,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const runner = deps.readModels?.running.get(name);
  if (runner) {
    let started = false;
    try {
      return await runner.exclusively(() => {
        started = true;
        return work(new AbortController().signal);
      });
    } catch (error) {
      if (started || !isBusy(error)) throw error;
    }
  }
  return underLease(
    {
      readStore: deps.readStore,
      lease: projectionLease(name),
      holder: deps.holder,
      ttlMs: deps.leaseTtlMs,
    },
    () =>
      new AppError(
        'PROJECTION_BUSY',
        `The ${name} read model is being applied by another process (a running server); ` +
          `run this operation through that server's /v1/ops routes`,
        { readModel: name },
      ),
    work,
  );
}
