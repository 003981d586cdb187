import { takeWhile, type Subscription } from 'rxjs';
import type { EventFilter, EventStore, Position, RecordedEvent } from '../stores/event-store.js';
import { comparePositions } from '../stores/position.js';
import { CatchUpEstimate } from './projection-status.js';

export interface EventFeedOptions {
  /** Hand out events after this position (exclusive). */
  readonly from: Position | undefined;
  readonly filter: EventFilter;
  readonly batchSize: number;
  /** Page size while catching up (bigger batches: fewer, cheaper commits); `batchSize` when absent. */
  readonly catchUpBatchSize?: number;
  /** A live batch closes this long after its first event arrived, full or not. */
  readonly batchMs: number;
  /** Live events held in memory past which the feed drops them and reads pages instead. */
  readonly maxBuffered: number;
  readonly clock: () => number;
  readonly onMode?: (mode: FeedMode) => void;
}

export type FeedMode = 'catching-up' | 'live';

/** How often, while catching up, the feed rereads the head for its lag estimate (at most). */
const HEAD_REFRESH_MS = 1_000;

interface Arrival {
  readonly event: RecordedEvent;
  readonly at: number;
}

/**
 * The projection's events in batches, pulled by the runner one batch at a
 * time, so a slow store slows the reading instead of filling memory. Behind
 * the head it reads pages of `catchUpBatchSize` with readAll; at the head it follows
 * the live subscription, closing a batch at `batchSize` events or `batchMs`
 * after its first one. If live events pile up past `maxBuffered` it drops
 * them, unsubscribes, and reads pages again from the last event it handed
 * out; every switch resumes from that position, so nothing is skipped or
 * handed out twice.
 */
export class EventFeed {
  private modeNow: FeedMode = 'catching-up';
  private cursor: Position | undefined;
  private inbox: Arrival[] = [];
  private session: object | undefined;
  private subscription: Subscription | undefined;
  private failure: { error: unknown } | undefined;
  private wake: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private head: Position | undefined;
  private headReadAt = -Infinity;
  /** While catching up, the page after the last one handed out, being read meanwhile. */
  private ahead:
    { readonly after: Position | undefined; readonly page: Promise<RecordedEvent[]> } | undefined;
  private readonly estimate = new CatchUpEstimate();

  constructor(
    private readonly eventStore: EventStore,
    private readonly options: EventFeedOptions,
  ) {
    this.cursor = options.from;
  }

  get mode(): FeedMode {
    return this.modeNow;
  }

  /** Live events received and not handed out yet. */
  get buffered(): number {
    return this.inbox.length;
  }

  get oldestBuffered(): RecordedEvent | undefined {
    return this.inbox[0]?.event;
  }

  /** While catching up, an estimate of the selected events after the last one handed out. */
  get unread(): number {
    return this.modeNow === 'catching-up' ? this.estimate.remaining(this.cursor, this.head) : 0;
  }

  /** The next batch; undefined once closed. Throws read and subscription errors (call again). */
  async next(): Promise<RecordedEvent[] | undefined> {
    while (!this.closed) {
      const failure = this.failure;
      this.failure = undefined;
      if (failure) throw failure.error;
      const batch = this.modeNow === 'catching-up' ? await this.readPage() : this.takeBatch();
      if (batch?.length) {
        this.cursor = batch[batch.length - 1]?.position;
        return batch;
      }
      // Nothing due yet: wait for an arrival, the batch timer, a failure or close.
      if (!batch && this.modeNow === 'live') await this.signal();
    }
    return undefined;
  }

  /**
   * While catching up, the next page (a short one turns the feed live);
   * undefined when live, closed, failed or out of events. Never waits for live
   * events, so a batch being gathered from pages is not held up at the head.
   */
  async nextPage(): Promise<RecordedEvent[] | undefined> {
    if (this.closed || this.failure || this.modeNow !== 'catching-up') return undefined;
    const page = await this.readPage();
    if (!page?.length) return undefined;
    this.cursor = page[page.length - 1]?.position;
    return page;
  }

  close(): void {
    this.closed = true;
    this.pause();
    this.notify();
  }

  private get pageSize(): number {
    return Math.max(this.options.batchSize, this.options.catchUpBatchSize ?? 0);
  }

  private async readPage(): Promise<RecordedEvent[] | undefined> {
    const stale =
      this.head === undefined ||
      (this.cursor !== undefined && comparePositions(this.cursor, this.head) >= 0) ||
      this.options.clock() - this.headReadAt > HEAD_REFRESH_MS;
    const ahead = this.ahead;
    this.ahead = undefined;
    const [page, head] = await Promise.all([
      ahead && ahead.after === this.cursor ? ahead.page : this.pageAfter(this.cursor),
      stale ? this.eventStore.headPosition() : this.head,
    ]);
    if (this.closed) return undefined;
    if (stale) this.headReadAt = this.options.clock();
    this.head = head;
    this.estimate.observe(this.cursor, page);
    const last = page[page.length - 1]?.position ?? this.cursor;
    if (page.length < this.pageSize) this.follow(last);
    else this.readAhead(last);
    return page;
  }

  private pageAfter(after: Position | undefined): Promise<RecordedEvent[]> {
    return this.eventStore.readAll({
      ...(after !== undefined && { fromPosition: after }),
      filter: this.options.filter,
      limit: this.pageSize,
    });
  }

  /**
   * Starts reading the next page while this one is applied: a store that
   * reads elsewhere (another thread, a server) then keeps the applying going.
   * Its failure surfaces when the page is asked for.
   */
  private readAhead(after: Position | undefined): void {
    const page = this.pageAfter(after);
    page.catch(() => undefined);
    this.ahead = { after, page };
  }

  private follow(from: Position | undefined): void {
    const session = {};
    this.session = session;
    this.switchTo('live');
    const current = () => this.session === session;
    const subscription = this.eventStore
      .subscribeToAll({
        ...(from !== undefined && { fromPosition: from }),
        filter: this.options.filter,
      })
      .pipe(takeWhile(current))
      .subscribe({
        next: (event) => this.receive(event),
        error: (error: unknown) => current() && this.fail(error),
        complete: () => current() && this.fail(new Error('The subscription ended')),
      });
    if (current()) this.subscription = subscription;
    else subscription.unsubscribe();
  }

  private receive(event: RecordedEvent): void {
    this.inbox.push({ event, at: this.options.clock() });
    if (this.inbox.length > this.options.maxBuffered) this.pause();
    this.notify();
  }

  private takeBatch(): RecordedEvent[] | undefined {
    const first = this.inbox[0];
    if (!first) return undefined;
    const due = first.at + this.options.batchMs - this.options.clock();
    if (this.inbox.length >= this.options.batchSize || due <= 0)
      return this.inbox.splice(0, this.options.batchSize).map((a) => a.event);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.notify();
    }, due);
    return undefined;
  }

  private fail(error: unknown): void {
    this.pause();
    this.failure = { error };
    this.notify();
  }

  /** Back to reading pages from the last event handed out. */
  private pause(): void {
    this.ahead = undefined;
    this.session = undefined;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.inbox = [];
    this.switchTo('catching-up');
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private switchTo(mode: FeedMode): void {
    if (this.modeNow === mode) return;
    this.modeNow = mode;
    if (!this.closed) this.options.onMode?.(mode);
  }

  private signal(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
