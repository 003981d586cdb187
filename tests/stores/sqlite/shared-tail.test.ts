import fc from 'fast-check';
import {
  matchesFilter,
  type EventFilter,
  type RecordedEvent,
} from '../../../src/stores/event-store.js';
import {
  SharedTail,
  type LogReader,
  type TailPage,
} from '../../../src/stores/sqlite/shared-tail.js';

/** A log in memory whose version moves with every append, as data_version does with commits. */
class MemoryLog implements LogReader {
  readonly events: RecordedEvent[] = [];
  reads = 0;
  #version = 0;

  append(streamId: string, type: string): void {
    const position = this.events.length + 1;
    this.events.push({
      streamId,
      revision: 0,
      position: String(position),
      eventId: `e${position}`,
      type,
      data: {},
      metadata: {},
      recordedAt: '2026-01-01T00:00:00.000Z',
    });
    this.#version++;
  }

  readAfter(position: number, limit: number): RecordedEvent[] {
    this.reads++;
    return this.events.filter((e) => Number(e.position) > position).slice(0, limit);
  }

  head(): number {
    return this.events.length;
  }

  version(): number {
    return this.#version;
  }

  /** What a filtered read of the log gives. */
  expected(position: number, filter: EventFilter | undefined, limit: number): RecordedEvent[] {
    return this.events
      .filter((e) => Number(e.position) > position && matchesFilter(e, filter))
      .slice(0, limit);
  }
}

const streams = fc.constantFrom('order-1', 'order-2', 'product-1', 'payment-1', 'cart');
const types = fc.constantFrom('A', 'B', 'C');
const filters = fc.option(
  fc.record(
    {
      streamCategories: fc.subarray(['order', 'product', 'payment', 'cart']),
      eventTypes: fc.subarray(['A', 'B', 'C']),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

const steps = fc.array(
  fc.oneof(
    fc.record({
      kind: fc.constant('append' as const),
      events: fc.array(fc.tuple(streams, types), { minLength: 1, maxLength: 12 }),
    }),
    fc.record({
      kind: fc.constant('read' as const),
      subscriber: fc.integer({ min: 0, max: 3 }),
      filter: filters,
      limit: fc.integer({ min: 1, max: 8 }),
    }),
  ),
  { maxLength: 40 },
);

describe('shared tail', () => {
  it('gives each subscriber what its own filtered read would, or sends it to the log', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 }),
        steps,
        fc.integer({ min: 4, max: 30 }),
        (before, plan, keep) => {
          const log = new MemoryLog();
          for (let i = 0; i < before; i++) log.append('order-0', 'A');
          const tail = new SharedTail(log, keep);
          // Subscribers start anywhere in the log and move on as they are served.
          const cursors = [0, Math.floor(before / 2), before, before];
          for (const step of plan) {
            if (step.kind === 'append') {
              for (const [stream, type] of step.events) log.append(stream, type);
              continue;
            }
            const at = cursors[step.subscriber]!;
            const expected = log.expected(at, step.filter, step.limit);
            const served = tail.readAfter(at, step.filter, step.limit);
            if (served) {
              expect(served.events).toEqual(expected);
              // Nothing else up to `through` matches.
              const upTo = log.expected(at, step.filter, Infinity);
              expect(upTo.filter((e) => Number(e.position) <= served.through)).toEqual(expected);
              cursors[step.subscriber] = served.through;
            } else {
              cursors[step.subscriber] = Number(expected.at(-1)?.position ?? at);
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reads the log once for many subscribers at the head, and not at all without commits', () => {
    const log = new MemoryLog();
    const tail = new SharedTail(log);
    expect(tail.readAfter(0, undefined, 10)?.events).toEqual([]);
    log.append('order-1', 'A');
    log.append('product-1', 'B');
    const before = log.reads;
    const ids = (page: TailPage | undefined) => page?.events.map((e) => e.eventId);
    expect(ids(tail.readAfter(0, { eventTypes: ['A'] }, 10))).toEqual(['e1']);
    expect(tail.readAfter(0, { eventTypes: ['A'] }, 10)?.through).toBe(2);
    expect(ids(tail.readAfter(0, { streamCategories: ['product'] }, 10))).toEqual(['e2']);
    expect(tail.readAfter(0, undefined, 1)?.through).toBe(1);
    expect(ids(tail.readAfter(1, undefined, 10))).toEqual(['e2']);
    expect(log.reads - before).toBe(1);
    expect(tail.readAfter(2, undefined, 10)?.events).toEqual([]);
    expect(log.reads - before).toBe(1);
  });

  it('sends subscribers behind what it holds, or past a burst, to the log', () => {
    const log = new MemoryLog();
    for (let i = 0; i < 5; i++) log.append('order-1', 'A');
    const tail = new SharedTail(log, 4);
    expect(tail.readAfter(3, undefined, 10)).toBeUndefined();
    for (let i = 0; i < 3; i++) log.append('order-1', 'A');
    expect(tail.readAfter(5, undefined, 10)?.events).toHaveLength(3);
    for (let i = 0; i < 3; i++) log.append('order-1', 'A');
    // Holds the last 4 (8..11): a subscriber at 6 is behind them.
    expect(tail.readAfter(6, undefined, 10)).toBeUndefined();
    expect(tail.readAfter(7, undefined, 10)?.events).toHaveLength(4);
    for (let i = 0; i < 10; i++) log.append('order-1', 'A');
    expect(tail.readAfter(11, undefined, 10)).toBeUndefined();
    expect(tail.readAfter(21, undefined, 10)?.events).toEqual([]);
    // A burst far past what it holds is not read through: one page shows it.
    for (let i = 0; i < 3_000; i++) log.append('order-1', 'A');
    const before = log.reads;
    expect(tail.readAfter(21, undefined, 10)).toBeUndefined();
    expect(log.reads - before).toBe(1);
    expect(tail.readAfter(3_021, undefined, 10)?.events).toEqual([]);
  });
});
