import {
  createCommandHandler,
  type CommandHandlerDeps,
} from '../../src/commands/command-handler.js';
import type { Aggregate } from '../../src/commands/decider.js';
import { AppError } from '../../src/errors.js';
import type { EventStore } from '../../src/stores/event-store.js';
import { counter, snapshottingCounter } from '../support/counter-aggregate.js';
import { openTempStore, type TempStore } from '../support/temp-store.js';

type AccountEvent =
  | { type: 'Deposited'; data: { amount: number } }
  | { type: 'Withdrawn'; data: { amount: number } }
  | { type: 'Frozen'; data: Record<string, never> }
  | { type: 'Unfrozen'; data: Record<string, never> };

type AccountCommand =
  | { type: 'Deposit'; amount: number }
  | { type: 'Withdraw'; amount: number }
  | { type: 'Freeze' }
  | { type: 'Unfreeze' };

interface AccountState {
  readonly balance: number;
  readonly frozen: boolean;
}

/** Commands whose answer depends on the state both ways: a stale guess can be wrong either way. */
const account: Aggregate<AccountState, AccountCommand, AccountEvent> = {
  category: 'account',
  decider: {
    initialState: { balance: 0, frozen: false },
    decide(command, state) {
      switch (command.type) {
        case 'Deposit':
          return [{ type: 'Deposited', data: { amount: command.amount } }];
        case 'Withdraw':
          if (state.balance < command.amount) {
            throw new AppError('INSUFFICIENT_FUNDS', `Balance is ${state.balance}`);
          }
          return [{ type: 'Withdrawn', data: { amount: command.amount } }];
        case 'Freeze':
          return state.frozen ? [] : [{ type: 'Frozen', data: {} }];
        case 'Unfreeze':
          return state.frozen ? [{ type: 'Unfrozen', data: {} }] : [];
      }
    },
    evolve(state, event) {
      switch (event.type) {
        case 'Deposited':
          return { ...state, balance: state.balance + event.data.amount };
        case 'Withdrawn':
          return { ...state, balance: state.balance - event.data.amount };
        case 'Frozen':
          return { ...state, frozen: true };
        case 'Unfrozen':
          return { ...state, frozen: false };
      }
    },
  },
};

const clock = () => new Date('2026-03-01T12:00:00.000Z');
const ctx = { actor: 'user-1' };

describe('command handler deciding on what it last saw', () => {
  let temp: TempStore;
  beforeEach(async () => {
    temp = await openTempStore();
  });
  afterEach(() => temp.cleanup());

  /** A handler (one process) whose store counts reads and appends, and which never sleeps. */
  const handlerFor = (overrides: Partial<CommandHandlerDeps> = {}) => {
    const calls = { reads: [] as (number | undefined)[], appends: 0, sleeps: 0 };
    const eventStore: EventStore = Object.create(temp.store) as EventStore;
    eventStore.readStream = (stream, options) => {
      calls.reads.push(options?.fromRevision);
      return temp.store.readStream(stream, options);
    };
    eventStore.appendToStream = (stream, events, options) => {
      calls.appends += 1;
      return temp.store.appendToStream(stream, events, options);
    };
    const sleep = async () => {
      calls.sleeps += 1;
    };
    const handler = createCommandHandler({
      eventStore,
      snapshots: temp.store,
      clock,
      sleep,
      ...overrides,
    });
    return { handler, calls };
  };

  const stored = async (streamId: string) =>
    (await temp.store.readStream(streamId)).map((e) => [e.revision, e.type]);

  it('appends to a new stream and to a warm one without reading it', async () => {
    const { handler, calls } = handlerFor();
    const first = await handler.handle(counter, 'counter-w', { type: 'Increment', by: 1 }, ctx);
    const second = await handler.handle(counter, 'counter-w', { type: 'Close' }, ctx);
    expect([first.nextRevision, second.nextRevision]).toEqual([0, 1]);
    expect(second.events.map((e) => e.revision)).toEqual([1]);
    expect(calls).toEqual({ reads: [], appends: 2, sleeps: 0 });
    expect(await stored('counter-w')).toEqual([
      [0, 'Incremented'],
      [1, 'Closed'],
    ]);
  });

  it('reads a stream it has not seen when the aggregate keeps snapshots, then no more', async () => {
    const { handler, calls } = handlerFor();
    const command = { type: 'Increment', by: 1 } as const;
    await handler.handle(snapshottingCounter, 'counter-s', command, ctx);
    await handler.handle(snapshottingCounter, 'counter-s', command, ctx);
    expect(calls.reads).toEqual([0]);
  });

  it('a stale cache meets a conflict, reads on from its revision and appends without sleeping', async () => {
    const a = handlerFor();
    const b = handlerFor();
    await a.handler.handle(counter, 'counter-c', { type: 'Increment', by: 1 }, ctx);
    await b.handler.handle(counter, 'counter-c', { type: 'Increment', by: 2 }, ctx);
    const result = await a.handler.handle(counter, 'counter-c', { type: 'Increment', by: 3 }, ctx);
    expect(result.nextRevision).toBe(2);
    expect(result.events.map((e) => [e.revision, e.data])).toEqual([[2, { by: 3 }]]);
    expect(a.calls).toEqual({ reads: [1], appends: 3, sleeps: 0 });
    expect((await temp.store.readStream('counter-c')).map((e) => e.data)).toEqual([
      { by: 1 },
      { by: 2 },
      { by: 3 },
    ]);
  });

  it('a stream another process created is read after the blind append to it fails', async () => {
    const a = handlerFor();
    const b = handlerFor();
    await b.handler.handle(counter, 'counter-n', { type: 'Close' }, ctx);
    await expect(
      a.handler.handle(counter, 'counter-n', { type: 'Increment', by: 1 }, ctx),
    ).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    expect(a.calls).toEqual({ reads: [0], appends: 1, sleeps: 0 });
    expect(await stored('counter-n')).toEqual([[0, 'Closed']]);
  });

  it('accepts what a stale cache would reject', async () => {
    const a = handlerFor();
    const b = handlerFor();
    await a.handler.handle(account, 'account-1', { type: 'Deposit', amount: 1 }, ctx);
    await b.handler.handle(account, 'account-1', { type: 'Deposit', amount: 10 }, ctx);
    const result = await a.handler.handle(
      account,
      'account-1',
      { type: 'Withdraw', amount: 5 },
      ctx,
    );
    expect(result.events.map((e) => [e.revision, e.type])).toEqual([[2, 'Withdrawn']]);
    expect(a.calls.reads).toEqual([1]);
  });

  it('accepts what the state of a new stream would reject when another process created it', async () => {
    const a = handlerFor();
    const b = handlerFor();
    await b.handler.handle(account, 'account-2', { type: 'Deposit', amount: 10 }, ctx);
    const result = await a.handler.handle(
      account,
      'account-2',
      { type: 'Withdraw', amount: 5 },
      ctx,
    );
    expect(result.nextRevision).toBe(1);
    expect(await stored('account-2')).toEqual([
      [0, 'Deposited'],
      [1, 'Withdrawn'],
    ]);
  });

  it('rejects what a stale cache would accept, with the fresh reason, appending nothing', async () => {
    const a = handlerFor();
    const b = handlerFor();
    await a.handler.handle(account, 'account-3', { type: 'Deposit', amount: 10 }, ctx);
    await b.handler.handle(account, 'account-3', { type: 'Withdraw', amount: 8 }, ctx);
    await expect(
      a.handler.handle(account, 'account-3', { type: 'Withdraw', amount: 5 }, ctx),
    ).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    expect(await stored('account-3')).toEqual([
      [0, 'Deposited'],
      [1, 'Withdrawn'],
    ]);
    expect(a.calls.sleeps).toBe(0);
  });

  it('checks an empty decision of a stale cache on a fresh read', async () => {
    const a = handlerFor();
    const b = handlerFor();
    await a.handler.handle(account, 'account-4', { type: 'Freeze' }, ctx);
    await b.handler.handle(account, 'account-4', { type: 'Unfreeze' }, ctx);
    const result = await a.handler.handle(account, 'account-4', { type: 'Freeze' }, ctx);
    expect(result.events.map((e) => [e.revision, e.type])).toEqual([[2, 'Frozen']]);
    expect(a.calls.reads).toEqual([1]);
  });

  it('checks an empty decision on a new stream on a fresh read', async () => {
    const a = handlerFor();
    const b = handlerFor();
    await b.handler.handle(account, 'account-5', { type: 'Freeze' }, ctx);
    const result = await a.handler.handle(account, 'account-5', { type: 'Unfreeze' }, ctx);
    expect(result.events.map((e) => [e.revision, e.type])).toEqual([[1, 'Unfrozen']]);
  });

  it('answers an empty decision on a fresh read only, with its revision', async () => {
    const a = handlerFor();
    const b = handlerFor();
    await a.handler.handle(account, 'account-6', { type: 'Deposit', amount: 1 }, ctx);
    await b.handler.handle(account, 'account-6', { type: 'Freeze' }, ctx);
    const result = await a.handler.handle(account, 'account-6', { type: 'Freeze' }, ctx);
    expect(result).toEqual({ events: [], nextRevision: 1, position: undefined });
    expect(await stored('account-6')).toEqual([
      [0, 'Deposited'],
      [1, 'Frozen'],
    ]);
  });

  describe('If-Match with a stale cache', () => {
    it('accepts the revision the store is at, though the cache is behind', async () => {
      const a = handlerFor();
      const b = handlerFor();
      await a.handler.handle(counter, 'counter-m', { type: 'Increment', by: 1 }, ctx);
      await b.handler.handle(counter, 'counter-m', { type: 'Increment', by: 1 }, ctx);
      const result = await a.handler.handle(
        counter,
        'counter-m',
        { type: 'Close' },
        { ...ctx, expectedRevision: 1 },
      );
      expect(result.nextRevision).toBe(2);
    });

    it('refuses the revision the cache is at when the store has moved on', async () => {
      const a = handlerFor();
      const b = handlerFor();
      await a.handler.handle(counter, 'counter-p', { type: 'Increment', by: 1 }, ctx);
      await b.handler.handle(counter, 'counter-p', { type: 'Increment', by: 1 }, ctx);
      await expect(
        a.handler.handle(counter, 'counter-p', { type: 'Close' }, { ...ctx, expectedRevision: 0 }),
      ).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', details: { revision: 1 } });
      expect(await stored('counter-p')).toEqual([
        [0, 'Incremented'],
        [1, 'Incremented'],
      ]);
    });

    it('accepts an existing revision on a stream it has not seen', async () => {
      const a = handlerFor();
      const b = handlerFor();
      await b.handler.handle(counter, 'counter-q', { type: 'Increment', by: 1 }, ctx);
      const result = await a.handler.handle(
        counter,
        'counter-q',
        { type: 'Close' },
        { ...ctx, expectedRevision: 0 },
      );
      expect(result.nextRevision).toBe(1);
    });
  });

  it('keyed commands read first and still replay their first result', async () => {
    const a = handlerFor();
    const b = handlerFor();
    const keyed = { ...ctx, idempotencyKey: 'k1' };
    const command = { type: 'Increment', by: 1 } as const;
    await a.handler.handle(counter, 'counter-k', command, ctx);
    const first = await a.handler.handle(counter, 'counter-k', command, keyed);
    await b.handler.handle(counter, 'counter-k', command, ctx);
    expect(await b.handler.handle(counter, 'counter-k', command, keyed)).toEqual(first);
    expect(await a.handler.handle(counter, 'counter-k', command, keyed)).toEqual(first);
    expect(first.nextRevision).toBe(1);
    expect((await temp.store.readStream('counter-k')).length).toBe(3);
  });

  it('a store failure on a guessed append is not taken for a conflict', async () => {
    let reads = 0;
    const failing: EventStore = Object.create(temp.store) as EventStore;
    failing.readStream = (stream, options) => {
      reads += 1;
      return temp.store.readStream(stream, options);
    };
    failing.appendToStream = () => Promise.reject(new Error('disk full'));
    const { handler } = handlerFor({ eventStore: failing });
    await expect(
      handler.handle(counter, 'counter-f', { type: 'Increment', by: 1 }, ctx),
    ).rejects.toThrow('disk full');
    expect(reads).toBe(0);
  });
});
