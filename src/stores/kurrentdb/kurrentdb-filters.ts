import {
  eventTypeFilter,
  excludeSystemEvents,
  streamNameFilter,
  type Filter,
} from '@kurrent/kurrentdb-client';
import { matchesFilter, type EventFilter, type RecordedEvent } from '../event-store.js';
import { isSystemEvent } from './kurrentdb-events.js';

export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/** Matches stream ids whose category (the id up to its first '-') is one of these. */
export function categoryRegex(categories: readonly string[]): string {
  return `^(?:${categories.map(escapeRegex).join('|')})(?:-|$)`;
}

export function eventTypeRegex(types: readonly string[]): string {
  return `^(?:${types.map(escapeRegex).join('|')})$`;
}

/**
 * The part of a filter the server can apply: it filters on stream name or on
 * event type, never both, so categories (usually the narrower) win and the rest
 * is applied by `acceptsEvent`. Without a filter, system events are dropped.
 */
export function serverFilterFor(filter: EventFilter | undefined): Filter {
  if (filter?.streamCategories) {
    return streamNameFilter({ regex: categoryRegex(filter.streamCategories) });
  }
  if (filter?.eventTypes) return eventTypeFilter({ regex: eventTypeRegex(filter.eventTypes) });
  return excludeSystemEvents();
}

/** An empty list of categories or types selects nothing. */
export function selectsNothing(filter: EventFilter | undefined): boolean {
  return filter?.streamCategories?.length === 0 || filter?.eventTypes?.length === 0;
}

/** Client-side check every event read from $all passes before it reaches the port. */
export function acceptsEvent(
  event: Pick<RecordedEvent, 'streamId' | 'type'>,
  filter: EventFilter | undefined,
): boolean {
  return !isSystemEvent(event) && matchesFilter(event, filter);
}
