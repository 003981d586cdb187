import { createCommandHandler } from '../../src/commands/command-handler.js';
import { COMPLETED } from '../../src/commands/run-once.js';
import type { EventStore } from '../../src/stores/event-store.js';
import { counter } from '../support/counter-aggregate.js';
import { openTempStore, type TempStore } from '../support/temp-store.js';

const clock = () => new Date('2026-03-01T12:00:00.000Z');
const increment = { type: 'Increment', by: 3 } as const;

describe('idempotency keys', () => {
  let temp: TempStore;
  beforeEach(async () => {
    temp = await openTempStore();
  });
  afterEach(() => temp.cleanup());

  const handlerFor = (eventStore: EventStore = temp.store) =>
    createCommandHandler({ eventStore, clock });
  const keyed = (key: string) => ({ actor: 'user-1', idempotencyKey: key });

  it('runs a keyed command once; a repeat returns the first result', async () => {
    const handler = handlerFor();
    const first = await handler.handle(counter, 'counter-1', increment, keyed('k1'));
    const again = await handler.handle(counter, 'counter-1', increment, keyed('k1'));
    expect(again).toEqual(first);
    expect(await temp.store.readStream('counter-1')).toHaveLength(1);
    const other = await handler.handle(counter, 'counter-1', increment, keyed('k2'));
    expect(other.nextRevision).toBe(1);
  });

  it('twenty concurrent repeats in one process run it once', async () => {
    const handler = handlerFor();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => handler.handle(counter, 'counter-2', increment, keyed('k'))),
    );
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(await temp.store.readStream('counter-2')).toHaveLength(1);
  });

  it('concurrent repeats through two handlers (as two processes) run it once', async () => {
    const a = handlerFor();
    const b = handlerFor();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).handle(counter, 'counter-3', increment, keyed('shared')),
      ),
    );
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(await temp.store.readStream('counter-3')).toHaveLength(1);
  });

  it('a repeat after a restart returns the first result', async () => {
    const first = await handlerFor().handle(counter, 'counter-4', increment, keyed('k'));
    const reopened = await temp.reopen();
    const again = await handlerFor(reopened).handle(counter, 'counter-4', increment, keyed('k'));
    expect(again).toEqual(first);
    expect(await reopened.readStream('counter-4')).toHaveLength(1);
  });

  it('rejects a repeat with a different payload, also while the first still runs', async () => {
    const handler = handlerFor();
    const running = handler.handle(counter, 'counter-5', increment, keyed('k'));
    await expect(
      handler.handle(counter, 'counter-5', { type: 'Increment', by: 4 }, keyed('k')),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    await running;
    await expect(
      handler.handle(counter, 'counter-5', { type: 'Increment', by: 4 }, keyed('k')),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    await expect(
      handlerFor().handle(counter, 'counter-other', increment, keyed('k')),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await temp.store.readStream('counter-5')).toHaveLength(1);
  });

  it('remembers a rejection: the repeat is rejected the same way', async () => {
    const handler = handlerFor();
    await handler.handle(counter, 'counter-6', { type: 'Close' }, { actor: 'user-1' });
    await expect(handler.handle(counter, 'counter-6', increment, keyed('k'))).rejects.toMatchObject(
      { code: 'INVALID_TRANSITION' },
    );
    await expect(
      handlerFor().handle(counter, 'counter-6', increment, keyed('k')),
    ).rejects.toMatchObject({ code: 'INVALID_TRANSITION', message: 'Counter is closed' });
  });

  it('a run that died after appending, before recording its outcome, is not run again', async () => {
    const dying: EventStore = Object.create(temp.store) as EventStore;
    dying.appendToStream = async (stream, events, options) => {
      if (events[0]?.type === COMPLETED) throw new Error('process died');
      return temp.store.appendToStream(stream, events, options);
    };
    await expect(
      handlerFor(dying).handle(counter, 'counter-7', increment, keyed('k')),
    ).rejects.toThrow('process died');
    const stored = await temp.store.readStream('counter-7');
    expect(stored).toHaveLength(1);
    await handlerFor().handle(counter, 'counter-7', { type: 'Increment', by: 1 }, { actor: 'x' });

    const again = await handlerFor().handle(counter, 'counter-7', increment, keyed('k'));
    expect(again.nextRevision).toBe(0);
    expect(again.position).toBe(stored[0]?.position);
    expect(again.events.map((e) => e.metadata.eventId)).toEqual([stored[0]?.eventId]);
    expect(await temp.store.readStream('counter-7')).toHaveLength(2);
  });
});
