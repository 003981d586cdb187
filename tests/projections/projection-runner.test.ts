import { filter, firstValueFrom } from 'rxjs';
import { v7 as uuidv7 } from 'uuid';
import {
  DEAD_LETTERS,
  SKIPPED_DEAD_LETTERS,
  listDeadLetters,
  retryDeadLetter,
} from '../../src/projections/dead-letters.js';
import {
  startProjection,
  type ProjectionRunnerOptions,
  type RunningProjection,
} from '../../src/projections/projection-runner.js';
import type { ProjectionState } from '../../src/projections/projection-status.js';
import { docKey, type Projection } from '../../src/projections/projection.js';
import type { RecordedEvent } from '../../src/stores/event-store.js';
import { EmbeddedReadStore } from '../../src/stores/embedded/embedded-read-store.js';
import type { Doc, ReadStore } from '../../src/stores/read-store.js';
import { MemoryReadStore, ScriptedReadStore } from '../support/memory-read-store.js';
import { openTempStore, type TempStore } from '../support/temp-store.js';

/** A toy read model: events per `toy-…` stream, and all of them in one document. */
function countingProjection() {
  const poison = { broken: true, attempts: 0 };
  const projection: Projection = {
    name: 'toy-counts',
    version: 1,
    collections: [
      { name: 'counts', indexes: [{ name: 'by_count', keys: { count: 1 } }] },
      { name: 'totals', indexes: [] },
    ],
    filter: { streamCategories: ['toy'] },
    keys: (e) => [
      { collection: 'counts', id: e.streamId },
      { collection: 'totals', id: 'all' },
    ],
    apply(e, docs) {
      if (e.type === 'Poison') {
        poison.attempts++;
        if (poison.broken) throw new Error('cannot count poison');
      }
      const mine = docKey({ collection: 'counts', id: e.streamId });
      return new Map<string, Doc>([
        [mine, { _id: e.streamId, count: Number(docs.get(mine)?.count ?? 0) + 1, last: e.type }],
        ['totals/all', { _id: 'all', events: Number(docs.get('totals/all')?.events ?? 0) + 1 }],
      ]);
    },
  };
  return { projection, poison };
}

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

const reach = (running: RunningProjection, state: ProjectionState) =>
  firstValueFrom(running.states.pipe(filter((s) => s === state)));

/** How often the event loop turned while `work` ran. */
async function turnsDuring(work: () => Promise<void>): Promise<number> {
  let turns = 0;
  let done = false;
  const turn = () => {
    turns++;
    if (!done) setImmediate(turn);
  };
  setImmediate(turn);
  await work();
  done = true;
  return turns;
}

const stripPositions = (docs: Doc[]) => docs.map(({ _position: _, ...doc }) => doc);

const readStores: [string, (dataDir: string) => Promise<ReadStore>][] = [
  ['the in-memory double', async () => new MemoryReadStore()],
  ['the embedded read store', (dataDir) => EmbeddedReadStore.open({ dataDir })],
];

describe.each(readStores)('projection runner on %s', (_, openReadStore) => {
  let temp: TempStore;
  let base: ReadStore;
  let store: ScriptedReadStore;
  let toy: ReturnType<typeof countingProjection>;
  const running: RunningProjection[] = [];

  beforeEach(async () => {
    temp = await openTempStore();
    base = await openReadStore(temp.dataDir);
    store = new ScriptedReadStore(base);
    toy = countingProjection();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
    await base.close();
    await temp.cleanup();
  });

  const start = (options: Partial<ProjectionRunnerOptions> = {}) => {
    const runner = startProjection(toy.projection, {
      eventStore: temp.store,
      readStore: store,
      holder: 'process-1',
      batchSize: 10,
      batchMs: 5,
      retryDelayMs: () => 1,
      leaseTtlMs: 600,
      ...options,
    });
    running.push(runner);
    return runner;
  };

  const append = async (streamId: string, ...types: string[]) =>
    (
      await temp.store.appendToStream(
        streamId,
        types.map((type) => ({ eventId: uuidv7(), type, data: {} })),
      )
    ).position;

  /** 90 events over five toy streams, with 12 of another category in between. */
  const seed = async () => {
    for (let round = 0; round < 6; round++) {
      for (let s = 1; s <= 5; s++) await append(`toy-${s}`, ...Array(s).fill('Counted'));
      await append('other-x', 'Ignored', 'Ignored');
    }
    return head();
  };
  const head = async () => (await temp.store.headPosition()) ?? '0';
  const log = () => temp.store.readAll({ filter: toy.projection.filter });

  /** What the read model must hold for the log: counted without the runner. */
  const expected = async (without: (e: RecordedEvent) => boolean = () => false) => {
    const counts = new Map<string, { _id: string; count: number; last: string }>();
    const events = (await log()).filter((e) => !without(e));
    for (const e of events) {
      counts.set(e.streamId, {
        _id: e.streamId,
        count: (counts.get(e.streamId)?.count ?? 0) + 1,
        last: e.type,
      });
    }
    return {
      counts: [...counts.values()].sort((a, b) => (a._id < b._id ? -1 : 1)),
      totals: events.length ? [{ _id: 'all', events: events.length }] : [],
    };
  };
  const contents = async (readStore: ReadStore = base) => ({
    counts: await readStore.collection('counts').find({}, { sort: { _id: 1 } }),
    totals: await readStore.collection('totals').find(),
  });
  const withoutPositions = async (readStore: ReadStore = base) => {
    const { counts, totals } = await contents(readStore);
    return { counts: stripPositions(counts), totals: stripPositions(totals) };
  };

  describe('applying the log', () => {
    it('projects events into documents, catching up and then live', async () => {
      await seed();
      const runner = start();
      await runner.waitFor(await head());
      expect(await withoutPositions()).toEqual(await expected());
      await reach(runner, 'live');

      const position = await append('toy-9', 'Counted', 'Renamed');
      await runner.waitFor(position);
      expect(await withoutPositions()).toEqual(await expected());
      expect(await base.collection('counts').get('toy-9')).toEqual({
        _id: 'toy-9',
        count: 2,
        last: 'Renamed',
        _position: position,
      });
      expect(await base.checkpoint('toy-counts')).toBe(position);
      expect(runner.status()).toEqual({
        name: 'toy-counts',
        position,
        lagEvents: 0,
        lagMs: 0,
        status: 'live',
        deadLetters: 0,
      });
    });

    it('lets the event loop turn between batches while catching up', async () => {
      await seed();
      const runner = start({ catchUpBatchSize: 10 });
      const turns = await turnsDuring(async () => runner.waitFor(await head()));
      // 90 events in batches of 10: the loop turned between them, not only at the end.
      expect(turns).toBeGreaterThanOrEqual(8);
      expect(await withoutPositions()).toEqual(await expected());
    });

    it('leaves every document identical when the whole log is replayed', async () => {
      await seed();
      const first = start();
      await first.waitFor(await head());
      const before = await contents();
      await first.stop();

      await base.commit('toy-counts', '0', []);
      store.commits.length = 0;
      const again = start();
      await again.waitFor(await head());
      expect(await contents()).toEqual(before);
      expect(store.commits.length).toBeGreaterThan(0);
      expect(store.commits.every((c) => c.writes.length === 0)).toBe(true);
    });

    it('retries a failing commit without losing or repeating events', async () => {
      await seed();
      store.failCommits = 3;
      const errors: unknown[] = [];
      const runner = start({ onError: (error) => errors.push(error) });
      await runner.waitFor(await head());
      expect(await withoutPositions()).toEqual(await expected());
      expect(errors).toHaveLength(3);
    });

    it('applies a batch once when its writes landed but its checkpoint did not', async () => {
      await seed();
      store.tearCommits = 2;
      const runner = start();
      await runner.waitFor(await head());
      expect(await withoutPositions()).toEqual(await expected());
    });

    it('converges when a runner dies mid-batch and another takes over', async () => {
      await seed();
      let commits = 0;
      const died = deferred();
      store.beforeCommit = () => {
        if (++commits < 3) return;
        store.partitioned = true;
        died.resolve();
      };
      start({ leaseTtlMs: 300 });
      await died.promise;
      const partial = await withoutPositions();
      expect(partial).not.toEqual(await expected());

      const successor = start({ readStore: base, holder: 'process-2', leaseTtlMs: 300 });
      await successor.waitFor(await head());
      expect(await withoutPositions()).toEqual(await expected());
    });

    it('converges when stopped during catch-up and restarted', async () => {
      await seed();
      let commits = 0;
      const first = start();
      store.beforeCommit = () => {
        if (++commits === 2) void first.stop();
      };
      await reach(first, 'stopped');
      expect(store.commits).toHaveLength(2);
      expect((await base.collection('totals').get('all'))?.events).toBe(20);

      store.beforeCommit = undefined;
      const second = start();
      await second.waitFor(await head());
      expect(await withoutPositions()).toEqual(await expected());
    });
  });

  describe('batching', () => {
    it('batches by count while catching up and while live', async () => {
      await append('toy-1', ...Array(25).fill('Counted'));
      const positions = (await log()).map((e) => e.position);
      const catchingUp = start({ batchMs: 60_000 });
      await catchingUp.waitFor(positions[24]!);
      expect(store.commits.map((c) => c.position)).toEqual([
        positions[9],
        positions[19],
        positions[24],
      ]);
      await reach(catchingUp, 'live');

      store.commits.length = 0;
      await append('toy-2', ...Array(25).fill('Counted'));
      const live = (await log()).slice(25).map((e) => e.position);
      await catchingUp.waitFor(live[19]!);
      expect(store.commits.map((c) => c.position)).toEqual([live[9], live[19]]);
    });

    describe('catching up in pages gathered into one commit', () => {
      // Reads of 5 events, commits of up to 20, live batches of 2.
      const paged = { batchSize: 2, catchUpPageSize: 5, catchUpBatchSize: 20 };

      it('commits once per catchUpBatchSize events, the last batch short, and reports each commit', async () => {
        await append('toy-1', ...Array(47).fill('Counted'));
        const positions = (await log()).map((e) => e.position);
        const runner = start({ ...paged, batchMs: 60_000 });
        await runner.waitFor(positions[46]!);
        expect(store.commits.map((c) => c.position)).toEqual([
          positions[19],
          positions[39],
          positions[46],
        ]);
        expect(await withoutPositions()).toEqual(await expected());
        expect(runner.status()).toMatchObject({ position: positions[46], lagEvents: 0 });
      });

      it('lets the event loop turn between the pages of one commit', async () => {
        await seed();
        const runner = start({ ...paged, catchUpBatchSize: 1_000 });
        const turns = await turnsDuring(async () => runner.waitFor(await head()));
        // 90 events in pages of 5, all in one commit: the loop turned between the pages.
        expect(store.commits).toHaveLength(1);
        expect(turns).toBeGreaterThanOrEqual(15);
        expect(await withoutPositions()).toEqual(await expected());
      });

      it('commits the pages before a poison event, parks it, and goes on', async () => {
        await append('toy-a', ...Array(12).fill('Counted'), 'Poison', ...Array(10).fill('Counted'));
        const positions = (await log()).map((e) => e.position);
        const runner = start({ ...paged, maxAttempts: 2 });
        await runner.waitFor(positions[22]!);
        expect(toy.poison.attempts).toBe(2);
        expect(store.commits[0]?.position).toBe(positions[11]);
        expect(await withoutPositions()).toEqual(await expected((e) => e.type === 'Poison'));
        expect(await listDeadLetters(base, 'toy-counts')).toHaveLength(1);
        expect(await base.checkpoint('toy-counts')).toBe(positions[22]);
      });

      it('retries a failing commit of gathered pages without losing or repeating events', async () => {
        await seed();
        store.failCommits = 2;
        const runner = start(paged);
        await runner.waitFor(await head());
        expect(await withoutPositions()).toEqual(await expected());
      });
    });

    it('closes a live batch after batchMs', async () => {
      const runner = start({ batchSize: 100, batchMs: 200 });
      await reach(runner, 'live');
      const started = Date.now();
      const position = await append('toy-1', 'Counted', 'Counted', 'Counted');
      await runner.waitFor(position);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect(store.commits.map((c) => c.position)).toEqual([position]);
      expect((await base.collection('counts').get('toy-1'))?.count).toBe(3);
    });

    it('reads a flood in pages rather than buffering it behind a slow store', async () => {
      const gate = deferred();
      const reached = deferred();
      store.beforeCommit = () => {
        reached.resolve();
        return gate.promise;
      };
      const runner = start({ batchSize: 5, maxBufferedEvents: 20 });
      const states: ProjectionState[] = [];
      runner.states.subscribe((s) => states.push(s));
      await reach(runner, 'live');

      const position = await append('toy-1', ...Array(100).fill('Counted'));
      try {
        await reached.promise;
        expect(runner.status()).toMatchObject({ status: 'catching-up', lagEvents: 100 });
      } finally {
        gate.resolve();
      }
      await runner.waitFor(position);
      expect((await base.collection('counts').get('toy-1'))?.count).toBe(100);
      await reach(runner, 'live');
      expect(states).toEqual(['starting', 'catching-up', 'live', 'catching-up', 'live']);
    });
  });

  describe('status', () => {
    it('reports lag while a batch is waiting for the store', async () => {
      const gate = deferred();
      const reached = deferred();
      store.beforeCommit = () => {
        reached.resolve();
        return gate.promise;
      };
      const runner = start({ clock: () => Date.now() + 60_000 });
      await reach(runner, 'live');
      const position = await append('toy-1', 'Counted', 'Counted', 'Counted');
      try {
        await reached.promise;
        const waiting = runner.status();
        expect(waiting.lagEvents).toBe(3);
        expect(waiting.lagMs).toBeGreaterThanOrEqual(60_000);
        expect(waiting.position).toBeNull();
      } finally {
        gate.resolve();
      }
      await runner.waitFor(position);
      expect(runner.status()).toMatchObject({ position, lagEvents: 0, lagMs: 0 });
    });
  });

  describe('waitFor', () => {
    it('resolves for positions of events the projection filters out', async () => {
      const runner = start();
      const ignored = await append('other-x', 'Ignored');
      await runner.waitFor(ignored);
      expect(runner.status().position).toBeNull();

      const counted = await append('toy-1', 'Counted');
      const after = await append('other-x', 'Ignored', 'Ignored');
      await runner.waitFor(after);
      expect((await base.collection('counts').get('toy-1'))?._position).toBe(counted);
    });

    it('times out for a position the log has not reached', async () => {
      const runner = start();
      await append('toy-1', 'Counted');
      await expect(runner.waitFor('1000000', 100)).rejects.toMatchObject({
        code: 'PROJECTION_WAIT_TIMEOUT',
      });
    });

    it('rejects malformed positions', async () => {
      await expect(start().waitFor('not-a-position')).rejects.toMatchObject({
        code: 'INVALID_POSITION',
      });
    });
  });

  describe('dead letters', () => {
    const poisoned = async () => {
      await append('toy-a', 'Counted', 'Poison', 'Counted');
      await append('toy-b', 'Counted');
      return head();
    };

    it('parks a poison event after maxAttempts and goes on', async () => {
      const last = await poisoned();
      const runner = start({ maxAttempts: 3 });
      await runner.waitFor(last);
      expect(toy.poison.attempts).toBe(3);
      expect(await withoutPositions()).toEqual(await expected((e) => e.type === 'Poison'));
      expect(await base.checkpoint('toy-counts')).toBe(last);

      const poison = (await log()).find((e) => e.type === 'Poison')!;
      expect(await listDeadLetters(base, 'toy-counts')).toEqual([
        {
          _id: `toy-counts:${poison.position}`,
          projection: 'toy-counts',
          position: poison.position,
          streamId: 'toy-a',
          revision: 1,
          eventId: poison.eventId,
          type: 'Poison',
          error: 'Error: cannot count poison',
          attempts: 3,
          parkedAt: expect.any(String),
        },
      ]);
      expect(await listDeadLetters(base)).toHaveLength(1);
      expect(await listDeadLetters(base, 'another')).toEqual([]);
      expect(runner.status().deadLetters).toBe(1);
    });

    it('retries a dead letter, and skips one', async () => {
      await poisoned();
      const last = await append('toy-c', 'Poison');
      const runner = start({ maxAttempts: 2 });
      await runner.waitFor(last);
      const [first, second] = await listDeadLetters(base, 'toy-counts');

      expect(await runner.retryDeadLetter(first!._id)).toEqual({
        retried: false,
        error: 'Error: cannot count poison',
      });
      expect((await base.collection(DEAD_LETTERS).get(first!._id))?.attempts).toBe(3);

      toy.poison.broken = false;
      expect(await runner.retryDeadLetter(first!._id)).toEqual({ retried: true });
      expect(await base.collection('counts').get('toy-a')).toMatchObject({ count: 3 });
      expect((await base.collection('totals').get('all'))?.events).toBe(4);

      await runner.skipDeadLetter(second!._id);
      expect(await listDeadLetters(base)).toEqual([]);
      expect(await base.collection(SKIPPED_DEAD_LETTERS).get(second!._id)).toMatchObject({
        streamId: 'toy-c',
        skippedAt: expect.any(String),
      });
      expect(await base.collection('counts').get('toy-c')).toBeUndefined();
      expect(runner.status().deadLetters).toBe(0);
    });

    it('retries from outside only when no runner holds the projection', async () => {
      const last = await poisoned();
      const runner = start({ maxAttempts: 1 });
      await runner.waitFor(last);
      const [letter] = await listDeadLetters(base);
      toy.poison.broken = false;
      const context = { eventStore: temp.store, readStore: base, projection: toy.projection };
      await expect(retryDeadLetter(context, letter!._id)).rejects.toMatchObject({
        code: 'PROJECTION_BUSY',
      });
      await runner.stop();
      expect(await retryDeadLetter(context, letter!._id)).toEqual({ retried: true });
      // Applied now, after the stream's later event: a rebuild would end on 'Counted'.
      expect(await base.collection('counts').get('toy-a')).toMatchObject({
        count: 3,
        last: 'Poison',
      });
      expect(await listDeadLetters(base)).toEqual([]);
    });
  });

  describe('leases', () => {
    it('lets one runner apply while another waits, which takes over when the first stops', async () => {
      const otherStore = new ScriptedReadStore(base);
      const first = start();
      await reach(first, 'live');
      const second = start({ readStore: otherStore, holder: 'process-2' });
      await reach(second, 'standby');

      const position = await seed();
      await second.waitFor(position);
      expect(otherStore.commits).toHaveLength(0);
      const lastCounted = (await log()).at(-1)?.position;
      expect(second.status()).toMatchObject({ status: 'standby', position: lastCounted });

      await first.stop();
      await reach(second, 'live');
      const later = await append('toy-1', 'Counted');
      await second.waitFor(later);
      expect(otherStore.commits.map((c) => c.position)).toEqual([later]);
      expect(await withoutPositions()).toEqual(await expected());
    });

    it('stops applying when it loses its lease; another takes over once the lease expires', async () => {
      const first = start({ leaseTtlMs: 300 });
      await reach(first, 'live');
      const second = start({ readStore: base, holder: 'process-2', leaseTtlMs: 300 });
      await reach(second, 'standby');

      store.failLeases = true;
      await reach(second, 'live');
      await firstValueFrom(first.states.pipe(filter((s) => s !== 'live')));
      const position = await seed();
      await second.waitFor(position);
      expect(store.commits).toHaveLength(0);
      expect(await withoutPositions()).toEqual(await expected());
    });
  });
});
