import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { firstValueFrom, take, tap, throwError, timeout, toArray } from 'rxjs';
import { v7 as uuidv7 } from 'uuid';
import type { RecordedEvent } from '../../src/stores/event-store.js';
import { SqliteEventStore } from '../../src/stores/sqlite/sqlite-event-store.js';
import { describeExit, killRunningFixtures, startFixture } from './fixture-process.js';
import type { CounterReport, Incremented } from './fixtures/counter-report.js';
import { auditStore, type StoreAudit } from './store-audit.js';

const WRITERS = ['writer-1', 'writer-2'];
const STREAMS = ['counter-a', 'counter-b', 'counter-c', 'counter-d'];
const LOOPS_PER_STREAM = 2;
const INCREMENTS_PER_LOOP = 125;
const PER_WRITER_AND_STREAM = LOOPS_PER_STREAM * INCREMENTS_PER_LOOP;
const PER_STREAM = WRITERS.length * PER_WRITER_AND_STREAM;
const TOTAL = STREAMS.length * PER_STREAM;

type Ack = Extract<CounterReport, { kind: 'incremented' }> & { readonly writer: string };

const tally = (keys: readonly string[]) => {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return Object.fromEntries([...counts].sort());
};

describe('SqliteEventStore shared by two writer processes', () => {
  const acks: Ack[] = [];
  let dataDir: string;
  let store: SqliteEventStore | undefined;
  let subscribed: Promise<RecordedEvent[]>;
  let audit: StoreAudit;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'es-multi-'));
    const shared = await SqliteEventStore.open({ dataDir });
    store = shared;
    await shared.appendToStream('noise-1', [{ eventId: uuidv7(), type: 'Noise', data: {} }]);
    let received = 0;
    subscribed = firstValueFrom(
      shared.subscribeToAll({ filter: { streamCategories: ['counter'] } }).pipe(
        tap(() => (received += 1)),
        timeout({
          each: 20_000,
          with: () => throwError(() => new Error(`subscriber got ${received} of ${TOTAL} events`)),
        }),
        take(TOTAL),
        toArray(),
      ),
    );
    subscribed.catch(() => undefined);

    const writers = WRITERS.map((writer) => ({
      writer,
      run: startFixture<CounterReport>(
        'increment-counters',
        [dataDir, writer, STREAMS.join(), String(LOOPS_PER_STREAM), String(INCREMENTS_PER_LOOP)],
        (report) => {
          if (report.kind === 'incremented') acks.push({ ...report, writer });
        },
      ),
    }));
    await Promise.all(writers.map(({ run }) => run.nextReport((r) => r.kind === 'ready')));
    for (const { run } of writers) run.child.stdin.end();
    for (const { writer, run } of writers)
      expect(`${writer}: ${describeExit(await run.exited)}`).toBe(`${writer}: exit code 0`);
    audit = await auditStore(shared);
  });

  afterAll(async () => {
    killRunningFixtures();
    await store?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no update: each counter counts 1..N in revision order', () => {
    expect(audit.violations).toEqual([]);
    const counted = STREAMS.map((streamId) => {
      const values = (audit.streams.get(streamId) ?? []).map((e) => (e.data as Incremented).value);
      const wrong = values.findIndex((value, i) => value !== i + 1);
      return {
        streamId,
        events: values.length,
        finalValue: values.at(-1),
        firstWrong: wrong === -1 ? 'none' : `revision ${wrong} holds ${values[wrong]}`,
      };
    });
    expect(counted).toEqual(
      STREAMS.map((streamId) => ({
        streamId,
        events: PER_STREAM,
        finalValue: PER_STREAM,
        firstWrong: 'none',
      })),
    );
  });

  it('stores every acknowledged increment where it was acknowledged', () => {
    const stored = new Map(audit.events.map((e) => [e.eventId, e]));
    const misplaced = acks.filter((ack) => {
      const event = stored.get(ack.eventId);
      const data = event?.data as Incremented | undefined;
      return (
        event?.streamId !== ack.streamId ||
        event.revision !== ack.revision ||
        data?.value !== ack.value ||
        data.writer !== ack.writer
      );
    });
    expect(misplaced).toEqual([]);
    const perWriterAndStream = Object.fromEntries(
      WRITERS.flatMap((w) => STREAMS.map((s) => [`${w}/${s}`, PER_WRITER_AND_STREAM])).sort(),
    );
    expect(tally(acks.map((a) => `${a.writer}/${a.streamId}`))).toEqual(perWriterAndStream);
    const counters = audit.events.filter((e) => e.streamId.startsWith('counter-'));
    expect(tally(counters.map((e) => `${(e.data as Incremented).writer}/${e.streamId}`))).toEqual(
      perWriterAndStream,
    );
  });

  it('delivers every event of the other processes to a subscriber once, in position order', async () => {
    const key = (e: RecordedEvent) => `${e.position} ${e.streamId}@${e.revision} ${e.eventId}`;
    const counters = audit.events.filter((e) => e.streamId.startsWith('counter-'));
    expect(counters).toHaveLength(TOTAL);
    expect((await subscribed).map(key)).toEqual(counters.map(key));
  });
});
