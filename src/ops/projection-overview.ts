import { countDeadLetters } from '../projections/dead-letters.js';
import type { Projection } from '../projections/projection.js';
import { CatchUpEstimate } from '../projections/projection-status.js';
import { PROJECTIONS, type ReadModels } from '../projections/read-models.js';
import type { EventStore, Position } from '../stores/event-store.js';
import type { ReadStore } from '../stores/read-store.js';

export interface ProjectionOverview {
  readonly name: string;
  readonly position: Position | null;
  readonly lagEvents: number;
  /** The runner's state; 'stopped' when no runner of this process applies it (a CLI). */
  readonly status: string;
  readonly deadLetters: number;
  readonly error?: string;
}

const SAMPLE = 1000;

/** Every read model: from this process's runners when it has them, else from the stores. */
export async function projectionOverview(deps: {
  readonly eventStore: EventStore;
  readonly readStore: ReadStore;
  readonly readModels?: ReadModels | undefined;
}): Promise<ProjectionOverview[]> {
  const head = await deps.eventStore.headPosition();
  return Promise.all(
    PROJECTIONS.map(async (projection) => {
      const runner = deps.readModels?.running.get(projection.name);
      if (runner) {
        const { name, position, lagEvents, status, deadLetters, error } = runner.status();
        return { name, position, lagEvents, status, deadLetters, ...(error && { error }) };
      }
      const position = await deps.readStore.checkpoint(projection.name);
      return {
        name: projection.name,
        position: position ?? null,
        lagEvents: await lagOf(deps.eventStore, projection, position, head),
        status: 'stopped',
        deadLetters: await countDeadLetters(deps.readStore, projection.name),
      };
    }),
  );
}

/** Selected events after the checkpoint: counted up to a page, estimated beyond it. */
async function lagOf(
  eventStore: EventStore,
  projection: Projection,
  position: Position | undefined,
  head: Position | undefined,
): Promise<number> {
  if (head === undefined) return 0;
  const page = await eventStore.readAll({
    ...(position === undefined ? {} : { fromPosition: position }),
    limit: SAMPLE,
    filter: projection.filter,
  });
  if (page.length < SAMPLE) return page.length;
  const estimate = new CatchUpEstimate();
  estimate.observe(position, page);
  return page.length + estimate.remaining(page[page.length - 1]?.position, head);
}
