import { v7 as uuidv7 } from 'uuid';
import {
  EventFeed,
  type EventFeedOptions,
  type FeedMode,
} from '../../src/projections/event-feed.js';
import type { EventStore, RecordedEvent } from '../../src/stores/event-store.js';
import { openTempStore, type TempStore } from '../support/temp-store.js';
import { watchReads } from '../support/watched-reads.js';

describe('event feed', () => {
  let temp: TempStore;
  let feed: EventFeed | undefined;
  beforeEach(async () => {
    temp = await openTempStore();
  });
  afterEach(async () => {
    feed?.close();
    await temp.cleanup();
  });

  const append = (stream: string, n: number) =>
    temp.store.appendToStream(
      stream,
      Array.from({ length: n }, (_, i) => ({ eventId: uuidv7(), type: 'Step', data: { i } })),
    );
  /** The store wakes subscribers once per event-loop turn, after the commit's turn. */
  const wokenUp = () => new Promise<void>((resolve) => setImmediate(resolve));
  const open = (options: Partial<EventFeedOptions> = {}, store: EventStore = temp.store) => {
    const modes: FeedMode[] = [];
    feed = new EventFeed(store, {
      from: undefined,
      filter: { streamCategories: ['job'] },
      batchSize: 10,
      batchMs: 60_000,
      maxBuffered: 1_000,
      clock: Date.now,
      onMode: (mode) => modes.push(mode),
      ...options,
    });
    return { feed, modes };
  };
  const drain = async (f: EventFeed, count: number) => {
    const batches: RecordedEvent[][] = [];
    for (let n = 0; n < count;) {
      const batch = (await f.next()) ?? [];
      batches.push(batch);
      n += batch.length;
    }
    return batches;
  };

  it('reads pages of batchSize behind the head, then follows live events', async () => {
    await append('job-a', 25);
    await append('other-x', 3);
    const { feed, modes } = open();
    const batches = await drain(feed, 25);
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(feed.mode).toBe('live');
    const next = feed.next();
    await append('job-b', 12);
    expect((await next)?.length).toBe(10);
    expect(modes).toEqual(['live']);
  });

  it('reads bigger pages of catchUpBatchSize behind the head, live batches stay at batchSize', async () => {
    await append('job-a', 45);
    const { feed } = open({ catchUpBatchSize: 20 });
    const batches = await drain(feed, 45);
    expect(batches.map((b) => b.length)).toEqual([20, 20, 5]);
    expect(feed.mode).toBe('live');
    const next = feed.next();
    await append('job-b', 25);
    expect((await next)?.length).toBe(10);
  });

  it('closes a live batch after batchMs when it is not full', async () => {
    const { feed } = open({ batchMs: 150 });
    const first = feed.next();
    const started = Date.now();
    await append('job-a', 3);
    expect((await first)?.length).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('drops live events past maxBuffered and reads them again in pages, each exactly once', async () => {
    const { feed, modes } = open({ batchSize: 5, batchMs: 20, maxBuffered: 20 });
    const first = feed.next();
    expect(await Promise.race([first, Promise.resolve('waiting' as const)])).toBe('waiting');
    await append('job-a', 100);
    await wokenUp();
    expect(feed.buffered).toBe(0);
    expect(feed.mode).toBe('catching-up');
    // One consumer at a time: the call made while waiting gets the first page.
    const firstPage = (await first) ?? [];
    const events = [...firstPage, ...(await drain(feed, 100 - firstPage.length)).flat()];
    expect(events.map((e) => (e.data as { i: number }).i)).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    );
    const more = feed.next();
    await append('job-a', 1);
    expect((await more)?.map((e) => (e.data as { i: number }).i)).toEqual([0]);
    expect(modes).toEqual(['live', 'catching-up', 'live']);
  });

  it('resumes after a position, exclusive', async () => {
    await append('job-a', 3);
    const { position } = await append('job-a', 2);
    await append('job-a', 1);
    const { feed } = open({ from: position });
    const [batch] = await drain(feed, 1);
    expect(batch?.map((e) => (e.data as { i: number }).i)).toEqual([0]);
  });

  const numbers = (events: readonly RecordedEvent[]) =>
    events.map((e) => `${e.streamId}:${(e.data as { i: number }).i}`);

  it('reads the next page while the last one is applied, each event once when more arrive meanwhile', async () => {
    await append('job-a', 45);
    const { store, reads } = watchReads(temp.store);
    const { feed } = open({ catchUpBatchSize: 20 }, store);
    const first = (await feed.next()) ?? [];
    expect(first).toHaveLength(20);
    // The second page is being read already.
    expect(reads).toHaveLength(2);
    expect(reads[1]?.fromPosition).toBe(first[19]?.position);
    await append('job-b', 30);
    const rest = (await drain(feed, 55)).flat();
    expect(numbers([...first, ...rest])).toEqual([
      ...Array.from({ length: 45 }, (_, i) => `job-a:${i}`),
      ...Array.from({ length: 30 }, (_, i) => `job-b:${i}`),
    ]);
  });

  it('throws a failed read-ahead when its page is asked for, and reads that page again on the next call', async () => {
    await append('job-a', 45);
    const { store, reads } = watchReads(temp.store, 2);
    const { feed } = open({ catchUpBatchSize: 20 }, store);
    const first = (await feed.next()) ?? [];
    await expect(feed.next()).rejects.toThrow('read failed');
    const rest = (await drain(feed, 25)).flat();
    expect(numbers([...first, ...rest])).toEqual(
      Array.from({ length: 45 }, (_, i) => `job-a:${i}`),
    );
    expect(reads[2]?.fromPosition).toBe(first[19]?.position);
  });

  it('drops a page read ahead when it closes', async () => {
    await append('job-a', 45);
    const { store, reads } = watchReads(temp.store);
    const { feed } = open({ catchUpBatchSize: 20 }, store);
    await feed.next();
    feed.close();
    expect(await feed.next()).toBeUndefined();
    expect(reads).toHaveLength(2);
  });
});
