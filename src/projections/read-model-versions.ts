import type { Doc, ReadStore, Write } from '../stores/read-store.js';
import type { Projection } from './projection.js';

/** One document per read model: the projection version its documents were built with. */
export const READ_MODEL_VERSIONS = '_read_model_versions';

interface VersionDoc extends Doc {
  readonly version: number;
}

/** Records that the read model's documents are those of the projection's current version. */
export const versionWrite = (projection: Projection): Write => ({
  kind: 'put',
  collection: READ_MODEL_VERSIONS,
  doc: { _id: projection.name, version: projection.version },
});

/**
 * The read models whose documents were built by an older version of their
 * projection and must be rebuilt. A read model with no recorded version is
 * new when it has no checkpoint (its version is recorded now, before it is
 * built) and otherwise predates version records: version 1.
 */
export async function outdatedReadModels(
  readStore: ReadStore,
  projections: readonly Projection[],
): Promise<Projection[]> {
  const recorded = await readStore
    .collection<VersionDoc>(READ_MODEL_VERSIONS)
    .getMany(projections.map((p) => p.name));
  const outdated: Projection[] = [];
  for (const projection of projections) {
    const version =
      recorded.get(projection.name)?.version ??
      ((await readStore.checkpoint(projection.name)) === undefined ? undefined : 1);
    if (version !== undefined && version < projection.version) outdated.push(projection);
    else if (version !== projection.version) {
      await readStore.commit(projection.name, undefined, [versionWrite(projection)]);
    }
  }
  return outdated;
}
