import { EventEmitter } from 'node:events';
import { jest } from '@jest/globals';
import type {
  AllStreamResolvedEvent,
  KurrentDBClient,
  SubscribeToAllOptions,
} from '@kurrent/kurrentdb-client';
import { UnavailableError } from '@kurrent/kurrentdb-client';
import type { RecordedEvent } from '../../../src/stores/event-store.js';
import { subscribeToAllOnce } from '../../../src/stores/kurrentdb/kurrentdb-subscription-source.js';

class FakeSubscription extends EventEmitter {
  unsubscribed = 0;
  destroyed = 0;
  unsubscribe(): Promise<void> {
    this.unsubscribed++;
    return Promise.resolve();
  }
  destroy(): this {
    this.destroyed++;
    return this;
  }
}

function fakeClient() {
  const subscriptions: FakeSubscription[] = [];
  const options: SubscribeToAllOptions[] = [];
  const client = {
    subscribeToAll(given: SubscribeToAllOptions) {
      options.push(given);
      const subscription = new FakeSubscription();
      subscriptions.push(subscription);
      return subscription;
    },
  } as unknown as Pick<KurrentDBClient, 'subscribeToAll'>;
  return { client, subscriptions, options };
}

let commit = 100n;
function resolved(streamId: string, type: string): AllStreamResolvedEvent {
  commit += 10n;
  return {
    event: {
      streamId,
      id: `0190a5b4-0000-7000-8000-${commit.toString().padStart(12, '0')}`,
      isJson: true,
      revision: 0n,
      type,
      created: new Date(),
      data: {},
      metadata: undefined,
      position: { commit, prepare: commit },
    },
  } as AllStreamResolvedEvent;
}

const signals = () => ({ healthy: jest.fn() });

describe('one KurrentDB $all subscription as an Observable', () => {
  it('subscribes from the start or after a position, with the server-side filter', () => {
    const { client, options } = fakeClient();
    subscribeToAllOnce(client, undefined, undefined, signals()).subscribe().unsubscribe();
    subscribeToAllOnce(client, '120/120', { streamCategories: ['order'] }, signals())
      .subscribe()
      .unsubscribe();
    expect(options[0]).toMatchObject({ fromPosition: 'start', resolveLinkTos: false });
    expect(options[1]).toMatchObject({
      fromPosition: { commit: 120n, prepare: 120n },
      filter: { filterOn: 'streamName', regex: '^(?:order)(?:-|$)' },
    });
  });

  it('delivers user events that pass the filter and skips system and link events', () => {
    const { client, subscriptions } = fakeClient();
    const received: RecordedEvent[] = [];
    subscribeToAllOnce(client, undefined, { eventTypes: ['Wanted'] }, signals()).subscribe((e) =>
      received.push(e),
    );
    const subscription = subscriptions[0]!;
    subscription.emit('data', resolved('order-1', 'Wanted'));
    subscription.emit('data', resolved('order-1', 'Unwanted'));
    subscription.emit('data', resolved('$streams', '$>'));
    subscription.emit('data', resolved('$ce-order', 'Wanted'));
    subscription.emit('data', {});
    subscription.emit('data', resolved('cart-2', 'Wanted'));
    expect(received.map((e) => e.streamId)).toEqual(['order-1', 'cart-2']);
  });

  it('reports catching up as a sign of health', () => {
    const { client, subscriptions } = fakeClient();
    const health = signals();
    subscribeToAllOnce(client, undefined, undefined, health).subscribe();
    subscriptions[0]!.emit('caughtUp', {});
    expect(health.healthy).toHaveBeenCalledTimes(1);
  });

  it('errors when the server drops the call, completes when it ends it', () => {
    const { client, subscriptions } = fakeClient();
    const error = jest.fn();
    const complete = jest.fn();
    subscribeToAllOnce(client, undefined, undefined, signals()).subscribe({ error });
    subscribeToAllOnce(client, undefined, undefined, signals()).subscribe({ complete });
    const unavailable = new UnavailableError();
    subscriptions[0]!.emit('error', unavailable);
    subscriptions[1]!.emit('end');
    expect(error).toHaveBeenCalledWith(unavailable);
    expect(complete).toHaveBeenCalledTimes(1);
    expect(subscriptions.map((s) => s.unsubscribed)).toEqual([1, 1]);
  });

  it('errors on an event it cannot decode', () => {
    const { client, subscriptions } = fakeClient();
    const error = jest.fn();
    subscribeToAllOnce(client, undefined, undefined, signals()).subscribe({ error });
    const broken = resolved('order-1', 'Placed');
    subscriptions[0]!.emit('data', { event: { ...broken.event, revision: -5n } });
    expect(error).toHaveBeenCalledWith(expect.any(RangeError));
  });

  it('cancels the client subscription on unsubscribe and ignores what follows', async () => {
    const { client, subscriptions } = fakeClient();
    const next = jest.fn();
    const subscription = subscribeToAllOnce(client, undefined, undefined, signals()).subscribe(
      next,
    );
    const fake = subscriptions[0]!;
    subscription.unsubscribe();
    expect(fake.unsubscribed).toBe(1);
    fake.emit('data', resolved('order-1', 'Late'));
    expect(() => fake.emit('error', new Error('cancelled'))).not.toThrow();
    expect(next).not.toHaveBeenCalled();
    await Promise.resolve();
    expect(fake.destroyed).toBe(1);
  });
});
