import { AppError } from '../errors.js';
import { DEAD_LETTERS, listDeadLetters } from '../projections/dead-letters.js';
import type { Projection } from '../projections/projection.js';
import { versionWrite } from '../projections/read-model-versions.js';
import type { EventStore, Position } from '../stores/event-store.js';
import type { Write } from '../stores/read-store.js';
import { withReadModelPaused, type ExclusiveAccessDeps } from './exclusive-access.js';
import { underLease } from './lease-scope.js';
import type { ProgressListener } from './progress.js';
import { ProjectionBuilder } from './projection-builder.js';
import { rebuildLease, shadowCollection } from './read-model-names.js';

export interface RebuildDeps extends ExclusiveAccessDeps {
  readonly eventStore: EventStore;
}

export interface RebuildOptions {
  readonly onProgress?: ProgressListener | undefined;
  /** Called once the rebuild holds its lease (a second rebuild is refused before this). */
  readonly onStarted?: (() => void) | undefined;
}

export interface RebuildResult {
  readonly name: string;
  /** Events the rebuild applied. */
  readonly events: number;
  /** The checkpoint the rebuilt read model went live with. */
  readonly position: Position | null;
}

/**
 * Rebuilds a read model without downtime. The log is applied into shadow
 * collections while the live read model keeps serving and following the log.
 * Once the shadow is near the head, the live runner is held between two
 * batches, the shadow applies the last events, each shadow collection
 * replaces its live one (the old one is dropped with it), and the live
 * checkpoint and dead letters become the shadow's; the runner then carries on
 * from there on the new collections.
 *
 * Crash safety: until the first rename nothing live was touched, and a new
 * rebuild drops what a dead one left. A crash between renames leaves newer
 * documents under an older checkpoint, which the runner replays over as
 * no-ops (documents at or past an event skip it). One rebuild per read model
 * at a time (a lease); the swap refuses (409) while another process applies
 * the read model.
 */
export async function rebuildReadModel(
  deps: RebuildDeps,
  projection: Projection,
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  const name = projection.name;
  return underLease(
    {
      readStore: deps.readStore,
      lease: rebuildLease(name),
      holder: deps.holder,
      ttlMs: deps.leaseTtlMs,
    },
    () => new AppError('REBUILD_RUNNING', `A rebuild of ${name} is already running`, { name }),
    async (signal) => {
      options.onStarted?.();
      const builder = new ProjectionBuilder({
        eventStore: deps.eventStore,
        readStore: deps.readStore,
        projection,
        collectionName: shadowCollection,
        signal,
        ...(options.onProgress && { onProgress: options.onProgress }),
      });
      try {
        await builder.prepare();
        // Twice: the second pass takes what arrived during the first, so the live pause stays short.
        await builder.catchUp(await deps.eventStore.headPosition());
        await builder.catchUp(await deps.eventStore.headPosition());
        await withReadModelPaused(deps, name, async (paused) => {
          await builder.catchUp(await deps.eventStore.headPosition());
          signal.throwIfAborted();
          paused.throwIfAborted();
          for (const c of projection.collections)
            await deps.readStore.renameCollection(shadowCollection(c.name), c.name);
          await deps.readStore.commit(name, builder.position, [
            ...(await deadLetterSwap(deps, name, builder)),
            versionWrite(projection),
          ]);
        });
      } catch (error) {
        await dropShadow(deps, projection);
        throw error;
      }
      return { name, events: builder.processed, position: builder.position ?? null };
    },
  );
}

/** The live dead letters give way to the ones the rebuild parked. */
async function deadLetterSwap(
  deps: RebuildDeps,
  name: string,
  builder: ProjectionBuilder,
): Promise<Write[]> {
  const stale = await listDeadLetters(deps.readStore, name);
  return [
    ...stale.map((letter) => ({
      kind: 'delete' as const,
      collection: DEAD_LETTERS,
      id: letter._id,
    })),
    ...builder.parked.map((doc) => ({ kind: 'put' as const, collection: DEAD_LETTERS, doc })),
  ];
}

/** Best effort: a store that fails here leaves the shadow to the next rebuild, which drops it. */
async function dropShadow(deps: RebuildDeps, projection: Projection): Promise<void> {
  for (const c of projection.collections) {
    await deps.readStore.dropCollection(shadowCollection(c.name)).catch(() => undefined);
  }
}
