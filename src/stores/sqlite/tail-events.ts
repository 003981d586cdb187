import { Observable } from 'rxjs';
import type { EventFilter, RecordedEvent } from '../event-store.js';

export interface TailSource {
  /**
   * Up to `limit` matching events after `position`, in position order, and
   * (when known) the position up to which no other event matches.
   */
  readAfter(
    position: number,
    filter: EventFilter | undefined,
    limit: number,
  ): { readonly events: RecordedEvent[]; readonly through?: number };
  /** Registers a wake-up call for when new events may exist; returns its removal. */
  onChange(listener: () => void): () => void;
}

const PAGE = 512;

/**
 * Reads pages after the last delivered position until it reaches the head, then
 * waits for a change and reads again. Because positions only grow in commit
 * order, the catch-up and the live phase are the same loop: there is no
 * hand-over at which an event could be skipped or delivered twice.
 */
export function tailEvents(
  source: TailSource,
  fromPosition: number,
  filter: EventFilter | undefined,
): Observable<RecordedEvent> {
  return new Observable<RecordedEvent>((subscriber) => {
    let last = fromPosition;
    let reading = false;
    let again = false;
    let scheduled: NodeJS.Immediate | undefined;

    const pump = (): void => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        let page: RecordedEvent[];
        do {
          again = false;
          const read = source.readAfter(last, filter, PAGE);
          page = read.events;
          for (const event of page) {
            if (subscriber.closed) return;
            last = Number(event.position);
            subscriber.next(event);
          }
          // Past events the filter leaves out, so the next read starts nearer the head.
          if (read.through !== undefined && read.through > last) last = read.through;
        } while (again && page.length < PAGE);
        // A full page: yield to the event loop before reading the next one.
        if (page.length === PAGE && !subscriber.closed) scheduled = setImmediate(pump);
      } catch (error) {
        subscriber.error(error);
      } finally {
        reading = false;
      }
    };

    const stopListening = source.onChange(pump);
    pump();
    return () => {
      stopListening();
      if (scheduled) clearImmediate(scheduled);
    };
  });
}
