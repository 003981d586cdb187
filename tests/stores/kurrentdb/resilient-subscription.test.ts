import { Observable, firstValueFrom, take, toArray } from 'rxjs';
import type { Position } from '../../../src/stores/event-store.js';
import { comparePositions } from '../../../src/stores/position.js';
import {
  resilientSubscription,
  type SourceSignals,
  type SubscriptionDrop,
} from '../../../src/stores/kurrentdb/resilient-subscription.js';

interface Item {
  readonly position: Position;
  readonly n: number;
}

const log: Item[] = Array.from({ length: 10 }, (_, n) => ({
  position: `${(n + 1) * 10}/${(n + 1) * 10}`,
  n,
}));

type Ending = 'error' | 'complete' | 'open';

/**
 * A fake server: each connection replays the log from `after` INCLUSIVE (the
 * worst case at the boundary), sends `batch` events, then ends as scripted.
 */
function fakeSource(script: { batch: number; end: Ending; error?: unknown }[]) {
  const connections: (Position | undefined)[] = [];
  let open = 0;
  const connect = (after: Position | undefined, signals: SourceSignals) =>
    new Observable<Item>((subscriber) => {
      const plan = script[Math.min(connections.length, script.length - 1)]!;
      connections.push(after);
      open++;
      const from =
        after === undefined ? log : log.filter((e) => comparePositions(e.position, after) >= 0);
      const timer = setTimeout(() => {
        from.slice(0, plan.batch).forEach((item) => subscriber.next(item));
        signals.healthy();
        if (plan.end === 'error') subscriber.error(plan.error ?? new Error('connection reset'));
        if (plan.end === 'complete') subscriber.complete();
      }, 1);
      return () => {
        clearTimeout(timer);
        open--;
      };
    });
  return { connect, connections, openCount: () => open };
}

const fast = { initialDelayMs: 1, maxDelayMs: 4, jitter: 0 };

describe('resilient subscription', () => {
  it('re-opens after an error from the last delivered position, without duplicates', async () => {
    const source = fakeSource([{ batch: 3, end: 'error' }]);
    const items = await firstValueFrom(
      resilientSubscription({
        connect: source.connect,
        positionOf: (i) => i.position,
        backoff: fast,
      }).pipe(take(10), toArray()),
    );
    expect(items.map((i) => i.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(source.connections.slice(0, 3)).toEqual([undefined, '30/30', '50/50']);
  });

  it('re-opens when the server ends the subscription', async () => {
    const source = fakeSource([{ batch: 4, end: 'complete' }]);
    const items = await firstValueFrom(
      resilientSubscription({
        connect: source.connect,
        positionOf: (i) => i.position,
        backoff: fast,
      }).pipe(take(10), toArray()),
    );
    expect(items.map((i) => i.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('starts after fromPosition, exclusively, even when the source includes it', async () => {
    const source = fakeSource([{ batch: 10, end: 'open' }]);
    const items = await firstValueFrom(
      resilientSubscription({
        connect: source.connect,
        positionOf: (i) => i.position,
        fromPosition: '70/70',
      }).pipe(take(3), toArray()),
    );
    expect(items.map((i) => i.n)).toEqual([7, 8, 9]);
    expect(source.connections).toEqual(['70/70']);
  });

  it('never delivers an event at or before the last delivered one', async () => {
    let connection = 0;
    const connect = () =>
      new Observable<Item>((subscriber) => {
        connection++;
        // The second connection goes back in time: everything from the start again.
        const items = connection === 1 ? log.slice(0, 5) : log;
        items.forEach((item) => subscriber.next(item));
        if (connection === 1) subscriber.error(new Error('dropped'));
      });
    const items = await firstValueFrom(
      resilientSubscription({ connect, positionOf: (i: Item) => i.position, backoff: fast }).pipe(
        take(10),
        toArray(),
      ),
    );
    expect(items.map((i) => i.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('passes on errors that no retry can fix', async () => {
    const fatal = new Error('access denied');
    const source = fakeSource([{ batch: 2, end: 'error', error: fatal }]);
    const received: number[] = [];
    const error = await new Promise<unknown>((resolve) => {
      resilientSubscription({
        connect: source.connect,
        positionOf: (i) => i.position,
        isTransient: (e) => e !== fatal,
        backoff: fast,
      }).subscribe({ next: (i) => received.push(i.n), error: resolve });
    });
    expect(error).toBe(fatal);
    expect(received).toEqual([0, 1]);
    expect(source.connections).toHaveLength(1);
  });

  it('backs off exponentially while no progress is made, and starts over after progress', async () => {
    const drops: SubscriptionDrop[] = [];
    let connection = 0;
    const connect = (after: Position | undefined) =>
      new Observable<Item>((subscriber) => {
        connection++;
        // Connections 1-3 fail at once, 4 delivers one event, 5-6 fail again.
        if (connection === 4)
          subscriber.next(log.find((i) => !after || comparePositions(i.position, after) > 0)!);
        if (connection === 7) subscriber.next(log[1]!);
        subscriber.error(new Error(`drop ${connection}`));
      });
    await firstValueFrom(
      resilientSubscription({
        connect,
        positionOf: (i: Item) => i.position,
        backoff: { initialDelayMs: 1, maxDelayMs: 1000, jitter: 0 },
        onDrop: (drop) => drops.push(drop),
      }).pipe(take(2), toArray()),
    );
    expect(drops.map((d) => [d.attempt, d.delayMs])).toEqual([
      [1, 1],
      [2, 2],
      [3, 4],
      [1, 1],
      [2, 2],
      [3, 4],
    ]);
    expect(drops[3]?.resumeAfter).toBe('10/10');
    expect((drops[0]?.error as Error).message).toBe('drop 1');
  });

  it('caps the backoff', async () => {
    const drops: SubscriptionDrop[] = [];
    const connect = () => new Observable<Item>((subscriber) => subscriber.error(new Error('down')));
    await new Promise<void>((resolve) => {
      const subscription = resilientSubscription({
        connect,
        positionOf: (i: Item) => i.position,
        backoff: { initialDelayMs: 1, maxDelayMs: 4, jitter: 0 },
        onDrop: (drop) => {
          drops.push(drop);
          if (drops.length === 6) {
            subscription.unsubscribe();
            resolve();
          }
        },
      }).subscribe();
    });
    expect(drops.map((d) => d.delayMs)).toEqual([1, 2, 4, 4, 4, 4]);
  });

  it('stops the underlying subscription and any pending retry on unsubscribe', async () => {
    const source = fakeSource([{ batch: 2, end: 'open' }]);
    const subscription = resilientSubscription({
      connect: source.connect,
      positionOf: (i) => i.position,
    }).subscribe();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(source.openCount()).toBe(1);
    subscription.unsubscribe();
    expect(source.openCount()).toBe(0);

    const failing = fakeSource([{ batch: 0, end: 'error' }]);
    const retrying = resilientSubscription({
      connect: failing.connect,
      positionOf: (i) => i.position,
      backoff: { initialDelayMs: 20, jitter: 0 },
    }).subscribe();
    await new Promise((resolve) => setTimeout(resolve, 10));
    retrying.unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(failing.connections).toHaveLength(1);
    expect(failing.openCount()).toBe(0);
  });
});
