import { AppError } from '../errors.js';
import type { DocKey, Projection } from '../projections/projection.js';
import type { Position } from '../stores/event-store.js';
import { DocComparer, touchedKeys, type Comparison, type Difference } from './doc-comparison.js';
import { withReadModelPaused } from './exclusive-access.js';
import { underLease } from './lease-scope.js';
import type { ProgressListener } from './progress.js';
import { ProjectionBuilder } from './projection-builder.js';
import { scratchCollection, verifyLease } from './read-model-names.js';
import type { RebuildDeps } from './shadow-rebuild.js';

export interface VerifyResult {
  readonly name: string;
  /** The live checkpoint both sides were compared at. */
  readonly position: Position | null;
  /** Documents compared (live and rebuilt together, each id once). */
  readonly documents: number;
  readonly differences: Difference[];
}

/** Rounds of comparing again while the live read model moves on, before holding it still. */
const MAX_ROUNDS = 10;

/**
 * Verifies a read model: builds it afresh into scratch collections up to the
 * live checkpoint and compares every document, `_position` included (both
 * sides stamp each document with the last event applied to it).
 *
 * The live read model keeps moving meanwhile, so a comparison holds only for
 * documents no event has touched since the position compared at. After each
 * round the events that arrived since are read: the documents they name, the
 * live ones found past the position, and the differences found so far are
 * compared again after the scratch build has caught up to the new live
 * checkpoint. When a round sees no such event, every answer holds at that
 * one position. If the read model never holds still for a round, the last
 * round runs with the live runner held between two batches.
 */
export async function verifyReadModel(
  deps: RebuildDeps,
  projection: Projection,
  onProgress?: ProgressListener,
): Promise<VerifyResult> {
  const { name } = projection;
  return underLease(
    {
      readStore: deps.readStore,
      lease: verifyLease(name),
      holder: deps.holder,
      ttlMs: deps.leaseTtlMs,
    },
    () => new AppError('VERIFY_RUNNING', `A verification of ${name} is already running`, { name }),
    async (signal) => {
      const builder = new ProjectionBuilder({
        eventStore: deps.eventStore,
        readStore: deps.readStore,
        projection,
        collectionName: scratchCollection,
        signal,
        ...(onProgress && { onProgress }),
      });
      const comparer = new DocComparer(deps.readStore, scratchCollection);
      try {
        await builder.prepare();
        let at = await deps.readStore.checkpoint(name);
        await builder.catchUp(at);
        let comparison = await comparer.all(projection, at);
        const documents = comparison.documents;
        const differences = new Map(comparison.differences);
        const result = (position: Position | undefined) => ({
          name,
          position: position ?? null,
          documents,
          differences: [...differences.values()],
        });
        for (let round = 1; ; round++) {
          const now = await deps.readStore.checkpoint(name);
          const touched = await touchedKeys(deps.eventStore, projection, at, now);
          if (touched.size === 0 && comparison.moved.size === 0) return result(at);
          const again = new Map<string, DocKey>([...touched, ...comparison.moved]);
          for (const [k, d] of differences) again.set(k, { collection: d.collection, id: d.id });
          if (round > MAX_ROUNDS) {
            return await withReadModelPaused(deps, name, async () => {
              const still = await deps.readStore.checkpoint(name);
              for (const [k, key] of await touchedKeys(deps.eventStore, projection, now, still))
                again.set(k, key);
              await builder.catchUp(still);
              merge(differences, again, await comparer.keys(again.values(), still));
              return result(still);
            });
          }
          await builder.catchUp(now);
          at = now;
          comparison = await comparer.keys(again.values(), at);
          merge(differences, again, comparison);
        }
      } finally {
        for (const c of projection.collections)
          await deps.readStore.dropCollection(scratchCollection(c.name)).catch(() => undefined);
      }
    },
  );
}

/** The documents compared again replace what was known of them. */
function merge(
  differences: Map<string, Difference>,
  compared: ReadonlyMap<string, DocKey>,
  comparison: Comparison,
): void {
  for (const k of compared.keys()) differences.delete(k);
  for (const [k, d] of comparison.differences) differences.set(k, d);
}
