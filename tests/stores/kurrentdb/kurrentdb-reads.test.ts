import {
  StreamNotFoundError,
  type AllStreamRecordedEvent,
  type AllStreamResolvedEvent,
  type Filter,
  type Position as ClientPosition,
  type ReadAllOptions,
  type ReadStreamOptions,
} from '@kurrent/kurrentdb-client';
import { readAllEvents } from '../../../src/stores/kurrentdb/kurrentdb-read-all.js';
import type { KurrentDBReader } from '../../../src/stores/kurrentdb/kurrentdb-reader.js';
import { linkTarget, listStreams } from '../../../src/stores/kurrentdb/kurrentdb-stream-listing.js';

const compare = (a: ClientPosition, b: ClientPosition) =>
  a.commit !== b.commit
    ? a.commit < b.commit
      ? -1
      : 1
    : a.prepare < b.prepare
      ? -1
      : a.prepare > b.prepare
        ? 1
        : 0;

/**
 * An in-memory $all with the server behaviours the adapter relies on: filters
 * on stream name or type, `maxCount` counting matching events, and a
 * configurable boundary when reading from a position.
 */
class FakeLog {
  readonly records: AllStreamRecordedEvent[] = [];
  readonly readAllCalls: ReadAllOptions[] = [];
  readonly deleted = new Set<string>();
  constructor(private readonly boundary: 'inclusive' | 'exclusive' = 'inclusive') {}

  append(streamId: string, type = 'Tested', data: unknown = {}): AllStreamRecordedEvent {
    const revision = BigInt(this.records.filter((r) => r.streamId === streamId).length);
    const at = BigInt((this.records.length + 1) * 100);
    const record = {
      streamId,
      id: `id-${this.records.length}`,
      isJson: true,
      revision,
      type,
      created: new Date(0),
      data,
      metadata: undefined,
      position: { commit: at, prepare: at },
    } as AllStreamRecordedEvent;
    this.records.push(record);
    return record;
  }

  /** What the $streams projection does for a stream's first event. */
  link(streamId: string): void {
    this.append('$streams', '$>', new TextEncoder().encode(`0@${streamId}`));
    const link = this.records[this.records.length - 1]!;
    Object.assign(link, { isJson: false });
  }

  revisionOf = async (streamId: string): Promise<number | undefined> => {
    const last = this.records.filter((r) => r.streamId === streamId).pop();
    return last && !this.deleted.has(streamId) ? Number(last.revision) : undefined;
  };

  readonly reader = {
    readAll: (options: ReadAllOptions = {}) => {
      this.readAllCalls.push(options);
      return this.#readAll(options);
    },
    readStream: (streamId: string, options: ReadStreamOptions = {}) =>
      this.#readStream(streamId, options),
  } as unknown as KurrentDBReader;

  async *#readAll(options: ReadAllOptions): AsyncGenerator<AllStreamResolvedEvent> {
    const backwards = options.direction === 'backwards';
    const from = options.fromPosition ?? (backwards ? 'end' : 'start');
    let records = backwards ? [...this.records].reverse() : this.records;
    if (typeof from === 'object') {
      records = records.filter((r) => {
        const order = compare(r.position, from) * (backwards ? -1 : 1);
        return this.boundary === 'inclusive' ? order >= 0 : order > 0;
      });
    }
    let count = 0n;
    for (const record of records) {
      if (count >= BigInt(options.maxCount ?? Number.MAX_SAFE_INTEGER)) return;
      if (!passes(options.filter, record)) continue;
      count++;
      yield { event: record };
    }
  }

  async *#readStream(streamId: string, options: ReadStreamOptions) {
    let records = this.records.filter((r) => r.streamId === streamId);
    if (records.length === 0) throw new StreamNotFoundError(undefined, streamId);
    if (options.direction === 'backwards') records = records.reverse();
    let count = 0n;
    for (const record of records) {
      if (count++ >= BigInt(options.maxCount ?? Number.MAX_SAFE_INTEGER)) return;
      if (record.type !== '$>' || !options.resolveLinkTos) {
        yield { event: record };
        continue;
      }
      const target = linkTarget(record.data);
      const resolved = this.records.find((r) => r.streamId === target && r.revision === 0n);
      yield resolved && !this.deleted.has(resolved.streamId)
        ? { event: resolved, link: record }
        : { link: record };
    }
  }
}

function passes(filter: Filter | undefined, record: AllStreamRecordedEvent): boolean {
  if (!filter) return true;
  const subject = filter.filterOn === 'streamName' ? record.streamId : record.type;
  return 'regex' in filter
    ? new RegExp(filter.regex).test(subject)
    : filter.prefixes.some((p) => subject.startsWith(p));
}

const numbers = (events: { data: unknown }[]) => events.map((e) => (e.data as { i: number }).i);

describe('reading $all from KurrentDB', () => {
  for (const boundary of ['inclusive', 'exclusive'] as const) {
    describe(`when the server reads from a position ${boundary}ly`, () => {
      it('reads forwards after a position, exclusively, in pages', async () => {
        const log = new FakeLog(boundary);
        for (let i = 0; i < 10; i++) log.append(`t-${i % 3}`, 'T', { i });
        const first = await readAllEvents(log.reader, { limit: 4 }, 3);
        expect(numbers(first)).toEqual([0, 1, 2, 3]);
        const rest = await readAllEvents(log.reader, { fromPosition: first[3]!.position }, 3);
        expect(numbers(rest)).toEqual([4, 5, 6, 7, 8, 9]);
      });

      it('reads backwards before a position, exclusively', async () => {
        const log = new FakeLog(boundary);
        for (let i = 0; i < 6; i++) log.append('t-1', 'T', { i });
        const newest = await readAllEvents(log.reader, { direction: 'backwards', limit: 2 }, 2);
        expect(numbers(newest)).toEqual([5, 4]);
        const older = await readAllEvents(
          log.reader,
          { direction: 'backwards', fromPosition: newest[1]!.position },
          2,
        );
        expect(numbers(older)).toEqual([3, 2, 1, 0]);
      });
    });
  }

  it('leaves out system events and links', async () => {
    const log = new FakeLog();
    log.append('order-1', 'Placed', { i: 0 });
    log.link('order-1');
    log.append('$$order-1', '$metadata');
    log.append('order-1', '$system');
    log.append('$ce-order', 'Placed');
    log.append('order-1', 'Shipped', { i: 1 });
    expect(numbers(await readAllEvents(log.reader))).toEqual([0, 1]);
  });

  it('counts only matching events towards the limit, reading on past filtered pages', async () => {
    const log = new FakeLog();
    for (let i = 0; i < 30; i++)
      log.append(i % 2 ? 'mine-1' : 'other-1', i % 3 ? 'Dropped' : 'Kept', { i });
    const kept = await readAllEvents(
      log.reader,
      { filter: { streamCategories: ['mine'], eventTypes: ['Kept'] }, limit: 4 },
      2,
    );
    expect(numbers(kept)).toEqual([3, 9, 15, 21]);
  });

  it('filters on the server by category, or by type when only types are asked for', async () => {
    const log = new FakeLog();
    log.append('mine-1', 'Kept', { i: 0 });
    log.append('minefield-1', 'Kept', { i: 1 });
    log.append('mine', 'Kept', { i: 2 });
    log.append('other-1', 'KeptToo', { i: 3 });
    expect(
      numbers(await readAllEvents(log.reader, { filter: { streamCategories: ['mine'] } })),
    ).toEqual([0, 2]);
    expect(log.readAllCalls[0]?.filter).toMatchObject({ filterOn: 'streamName' });
    expect(numbers(await readAllEvents(log.reader, { filter: { eventTypes: ['Kept'] } }))).toEqual([
      0, 1, 2,
    ]);
    expect(log.readAllCalls[1]?.filter).toMatchObject({ filterOn: 'eventType' });
  });

  it('reads nothing for a limit of 0 or an empty filter list, without asking the server', async () => {
    const log = new FakeLog();
    log.append('mine-1');
    expect(await readAllEvents(log.reader, { limit: 0 })).toEqual([]);
    expect(await readAllEvents(log.reader, { filter: { streamCategories: [] } })).toEqual([]);
    expect(log.readAllCalls).toHaveLength(0);
  });

  it('reads an empty log as empty', async () => {
    expect(await readAllEvents(new FakeLog().reader, { direction: 'backwards', limit: 1 })).toEqual(
      [],
    );
  });
});

describe('listing KurrentDB streams', () => {
  it('lists linked streams and those the projection has not linked yet, sorted, with revisions', async () => {
    const log = new FakeLog();
    log.append('shop-b');
    log.link('shop-b');
    log.append('shop-a');
    log.append('shop-a');
    log.link('shop-a');
    log.append('shop-c'); // not linked yet
    log.append('shop-b');
    log.append('other-x');
    const listed = await listStreams(log.reader, log.revisionOf, { prefix: 'shop-' });
    expect(listed).toEqual([
      { streamId: 'shop-a', revision: 1 },
      { streamId: 'shop-b', revision: 1 },
      { streamId: 'shop-c', revision: 0 },
    ]);
  });

  it('scans $all only after the first event of the newest linked stream', async () => {
    const log = new FakeLog();
    log.append('shop-a');
    log.link('shop-a');
    const newestLinked = log.append('shop-b');
    log.link('shop-b');
    log.append('shop-c');
    await listStreams(log.reader, log.revisionOf, { prefix: 'shop-' });
    expect(log.readAllCalls).toHaveLength(1);
    expect(log.readAllCalls[0]).toMatchObject({
      fromPosition: newestLinked.position,
      filter: { filterOn: 'streamName', prefixes: ['shop-'] },
    });
  });

  it('scans the whole of $all when projections do not run', async () => {
    const log = new FakeLog();
    log.append('shop-b');
    log.append('shop-a');
    log.append('$$shop-a', '$metadata');
    const listed = await listStreams(log.reader, log.revisionOf);
    expect(listed.map((s) => s.streamId)).toEqual(['shop-a', 'shop-b']);
    expect(log.readAllCalls[0]).toMatchObject({ fromPosition: 'start' });
  });

  it('pages with after and limit, and skips deleted and system streams', async () => {
    const log = new FakeLog();
    for (const id of ['s-1', 's-2', 's-3', 's-4', 's-5']) {
      log.append(id);
      log.link(id);
    }
    log.deleted.add('s-3');
    const page = await listStreams(log.reader, log.revisionOf, {
      prefix: 's-',
      after: 's-1',
      limit: 2,
    });
    expect(page.map((s) => s.streamId)).toEqual(['s-2', 's-4']);
    expect(await listStreams(log.reader, log.revisionOf, { limit: 0 })).toEqual([]);
    const all = await listStreams(log.reader, log.revisionOf);
    expect(all.map((s) => s.streamId)).toEqual(['s-1', 's-2', 's-4', 's-5']);
  });

  it('reads link data', () => {
    expect(linkTarget(new TextEncoder().encode('0@order-1'))).toBe('order-1');
    expect(linkTarget('12@cart-7@x')).toBe('cart-7@x');
    expect(linkTarget('nonsense')).toBeUndefined();
    expect(linkTarget({})).toBeUndefined();
  });
});
