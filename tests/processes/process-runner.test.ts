import { map } from 'rxjs';
import { v7 as uuidv7 } from 'uuid';
import { EventStoreCheckpoints } from '../../src/processes/checkpoints.js';
import { runProcess, type ProcessDefinition } from '../../src/processes/process-runner.js';
import type { EventStore, RecordedEvent, SubscribeOptions } from '../../src/stores/event-store.js';
import { openTempStore, type TempStore } from '../support/temp-store.js';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('process runner', () => {
  let temp: TempStore;
  beforeEach(async () => {
    temp = await openTempStore();
  });
  afterEach(() => temp.cleanup());

  const append = (stream: string, n: number) =>
    temp.store.appendToStream(stream, [{ eventId: uuidv7(), type: 'Step', data: { n } }]);
  const deps = () => ({
    eventStore: temp.store,
    checkpoints: new EventStoreCheckpoints(temp.store, uuidv7),
    retryDelayMs: () => 1,
    checkpointIntervalMs: 1,
  });
  const definition = (handle: (e: RecordedEvent) => Promise<void>): ProcessDefinition => ({
    name: 'test',
    filter: { streamCategories: ['job'] },
    keyOf: (e) => e.streamId,
    handle,
  });

  it('keeps log order per key, runs keys concurrently, and holds the checkpoint at the oldest unfinished event', async () => {
    const gate = deferred();
    const bSeen = deferred();
    const seen: string[] = [];
    const process = await runProcess(
      definition(async (e) => {
        if (e.streamId === 'job-a' && (e.data as { n: number }).n === 1) await gate.promise;
        seen.push(`${e.streamId}:${(e.data as { n: number }).n}`);
        if (e.streamId === 'job-b') bSeen.resolve();
      }),
      deps(),
    );
    const a1 = await append('job-a', 1);
    await append('job-a', 2);
    const b1 = await append('job-b', 1);
    await bSeen.promise;
    expect(seen).toEqual(['job-b:1']);
    expect(process.position()).toBeUndefined();
    gate.resolve();
    await process.waitFor(b1.position);
    expect(seen).toEqual(['job-b:1', 'job-a:1', 'job-a:2']);
    expect(process.position()).toBe(b1.position);
    expect(Number(a1.position)).toBeLessThan(Number(b1.position));
    await process.stop();
  });

  it('resubscribes after the log fails to deliver an event, handing each event over once', async () => {
    let poisoned = 2;
    // The runner only subscribes: the rest of the store is the real one.
    const failing: EventStore = Object.assign(Object.create(temp.store) as EventStore, {
      subscribeToAll: (options?: SubscribeOptions) =>
        temp.store.subscribeToAll(options).pipe(
          map((event) => {
            if ((event.data as { n: number }).n === 2 && poisoned-- > 0) {
              throw new Error('unreadable event');
            }
            return event;
          }),
        ),
    });
    const seen: number[] = [];
    const failures: number[] = [];
    const process = await runProcess(
      definition(async (e) => {
        seen.push((e.data as { n: number }).n);
      }),
      {
        ...deps(),
        eventStore: failing,
        onSubscriptionError: (_error, attempt) => failures.push(attempt),
      },
    );
    await append('job-a', 1);
    await append('job-a', 2);
    const last = await append('job-a', 3);
    await process.waitFor(last.position);
    expect(seen).toEqual([1, 2, 3]);
    expect(failures).toEqual([1, 2]);
    await process.stop();
  });

  it('retries a failing handler until it succeeds', async () => {
    let failures = 3;
    const errors: number[] = [];
    const process = await runProcess(
      definition(async () => {
        if (failures-- > 0) throw new Error('transient');
      }),
      { ...deps(), onError: (_e, _event, attempt) => errors.push(attempt) },
    );
    const last = await append('job-x', 1);
    await process.waitFor(last.position);
    expect(errors).toEqual([1, 2, 3]);
    await process.stop();
  });

  it('resumes after its checkpoint: handled events are not handled again, unfinished ones are', async () => {
    const first: number[] = [];
    const gate = deferred();
    const thirdStarted = deferred();
    const one = await runProcess(
      definition(async (e) => {
        const n = (e.data as { n: number }).n;
        if (n === 3) {
          thirdStarted.resolve();
          await gate.promise;
        }
        first.push(n);
      }),
      deps(),
    );
    await append('job-r', 1);
    const second = await append('job-r', 2);
    await append('job-r', 3);
    await one.waitFor(second.position);
    // Stop while the third event is being handled.
    await thirdStarted.promise;
    const stopping = one.stop();
    gate.resolve();
    await stopping;

    const again: number[] = [];
    const two = await runProcess(
      definition(async (e) => void again.push((e.data as { n: number }).n)),
      deps(),
    );
    const fourth = await append('job-r', 4);
    await two.waitFor(fourth.position);
    expect(first).toEqual([1, 2, 3]);
    expect(again).toEqual([4]);
    await two.stop();
  });
});
