import { matchesFilter, type EventFilter, type RecordedEvent } from '../event-store.js';

/** What the shared tail reads the log through. */
export interface LogReader {
  /** Every event after `position` (any stream, any type), up to `limit`, in position order. */
  readAfter(position: number, limit: number): RecordedEvent[];
  /** The last event's position; 0 for an empty log. */
  head(): number;
  /** A number that changes whenever another connection has committed (SQLite's data_version). */
  version(): number;
}

export interface TailPage {
  readonly events: RecordedEvent[];
  /** Every matching event up to this position is in `events`. */
  readonly through: number;
}

const READ_PAGE = 1_024;

/**
 * The newest events of the log, read and parsed once for every live
 * subscriber. Without it, each subscriber at the head (five read models and
 * fulfilment) runs its own filtered query after every commit and parses the
 * same events again.
 *
 * It holds every event after `after` up to `through`. Positions are given in
 * commit order (one writer at a time takes the next ones), so a read that saw
 * `through` saw every event before it. A subscriber asking from inside that
 * range gets the matching events from memory; one further behind (catching
 * up) gets undefined and reads the log itself. The log is read again only
 * when SQLite's data_version says another connection has committed. At most
 * `keep` events are held; a burst of more than that is not read here at all.
 */
export class SharedTail {
  #after = 0;
  #through = 0;
  #events: RecordedEvent[] = [];
  #version: number | undefined;

  constructor(
    private readonly log: LogReader,
    private readonly keep = 4_096,
  ) {}

  /**
   * Up to `limit` events after `position` that match `filter`, as a filtered
   * read of the log would give them, and the position they were looked for
   * up to: the last one's when the page is full, else the newest held (no
   * other event up to there matches). Undefined when `position` is outside
   * the range held.
   */
  readAfter(
    position: number,
    filter: EventFilter | undefined,
    limit: number,
  ): TailPage | undefined {
    this.#refresh();
    if (position < this.#after || position > this.#through) return undefined;
    const events: RecordedEvent[] = [];
    for (let i = this.#firstAfter(position); i < this.#events.length; i++) {
      const event = this.#events[i]!;
      if (!matchesFilter(event, filter)) continue;
      events.push(event);
      if (events.length === limit) return { events, through: Number(event.position) };
    }
    return { events, through: this.#through };
  }

  /** Reads what other connections have committed since the last look. */
  #refresh(): void {
    // Read before the log: a commit in between is then seen next time.
    const version = this.log.version();
    if (version === this.#version) return;
    if (this.#version === undefined) {
      this.#restartAt(this.log.head(), version);
      return;
    }
    let read = 0;
    for (;;) {
      const page = this.log.readAfter(this.#through, READ_PAGE);
      read += page.length;
      if (read > this.keep) {
        this.#restartAt(this.log.head(), version);
        return;
      }
      for (const event of page) this.#events.push(event);
      const last = page[page.length - 1];
      if (last) this.#through = Number(last.position);
      if (page.length < READ_PAGE) break;
    }
    this.#version = version;
    const surplus = this.#events.length - this.keep;
    if (surplus > 0) {
      this.#after = Number(this.#events[surplus - 1]!.position);
      this.#events = this.#events.slice(surplus);
    }
  }

  /** Holds nothing, from `head` on. */
  #restartAt(head: number, version: number): void {
    this.#after = head;
    this.#through = head;
    this.#events = [];
    this.#version = version;
  }

  /** The index of the first event held after `position`. */
  #firstAfter(position: number): number {
    let low = 0;
    let high = this.#events.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (Number(this.#events[mid]!.position) <= position) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
