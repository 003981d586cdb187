import { BACKWARDS, END, FORWARDS, START } from '@kurrent/kurrentdb-client';
import type { ReadAllOptions, RecordedEvent } from '../event-store.js';
import { toRecordedEvent } from './kurrentdb-events.js';
import { acceptsEvent, selectsNothing, serverFilterFor } from './kurrentdb-filters.js';
import { formatPosition, isBeyond, toClientPosition } from './kurrentdb-positions.js';
import type { KurrentDBReader } from './kurrentdb-reader.js';

export const DEFAULT_READ_PAGE_SIZE = 1000;

/**
 * Reads $all in pages until `limit` events have passed the filter or the log
 * ends. `fromPosition` is exclusive whatever the server does at the boundary:
 * each page resumes from the last position seen and skips it.
 */
export async function readAllEvents(
  reader: KurrentDBReader,
  options: ReadAllOptions = {},
  pageSize = DEFAULT_READ_PAGE_SIZE,
): Promise<RecordedEvent[]> {
  const { direction = 'forwards', limit, filter } = options;
  if ((limit !== undefined && limit <= 0) || selectsNothing(filter)) return [];
  const serverFilter = serverFilterFor(filter);
  const matched: RecordedEvent[] = [];
  let cursor = options.fromPosition;
  for (;;) {
    // One more than needed: the first event of a resumed page may be the cursor itself.
    const wanted = limit === undefined ? pageSize : Math.min(pageSize, limit - matched.length + 1);
    const maxCount = Math.max(2, wanted);
    let seen = 0;
    const page = reader.readAll({
      direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
      fromPosition:
        cursor === undefined ? (direction === 'forwards' ? START : END) : toClientPosition(cursor),
      maxCount,
      filter: serverFilter,
      resolveLinkTos: false,
    });
    for await (const resolved of page) {
      seen++;
      const recorded = resolved.event;
      if (!recorded) continue;
      const position = formatPosition(recorded.position);
      if (!isBeyond(position, cursor, direction)) continue;
      cursor = position;
      const event = toRecordedEvent(resolved);
      if (!event || !acceptsEvent(event, filter)) continue;
      matched.push(event);
      if (limit !== undefined && matched.length >= limit) return matched;
    }
    if (seen < maxCount) return matched;
  }
}
