import type { Projection } from '../../../src/projections/projection.js';
import { matchesFilter, type RecordedEvent } from '../../../src/stores/event-store.js';
import type { Doc } from '../../../src/stores/read-store.js';
import { projectEvents } from '../../support/project-events.js';

/** projectEvents, given only the events the projection's filter lets through (as the runner). */
export const projectFiltered = (
  projection: Projection,
  events: readonly RecordedEvent[],
  initial?: ReadonlyMap<string, Doc>,
): Map<string, Doc> =>
  projectEvents(
    projection,
    events.filter((event) => matchesFilter(event, projection.filter)),
    initial,
  );
