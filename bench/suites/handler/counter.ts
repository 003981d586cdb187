import type { Aggregate, Decider } from '../../../src/commands/decider.js';

/** The simplest aggregate: every command adds to a total. */
export type CounterEvent = { readonly type: 'Incremented'; readonly data: { readonly by: number } };

export interface CounterState {
  readonly total: number;
}

export type CounterCommand = { readonly type: 'Increment'; readonly by: number };

const evolve = (state: CounterState, event: CounterEvent): CounterState => {
  switch (event.type) {
    case 'Incremented':
      return { total: state.total + event.data.by };
  }
};

const decide = (command: CounterCommand, _state: CounterState): CounterEvent[] => {
  switch (command.type) {
    case 'Increment':
      return [{ type: 'Incremented', data: { by: command.by } }];
    default: {
      const _: never = command.type;
      throw new Error('Unknown counter command');
    }
  }
};

const decider: Decider<CounterState, CounterCommand, CounterEvent> = {
  initialState: { total: 0 },
  decide,
  evolve,
};

export const counter: Aggregate<CounterState, CounterCommand, CounterEvent> = {
  category: 'counter',
  decider,
};

export const SNAPSHOT_EVERY = 500;

export const snapshottedCounter: Aggregate<CounterState, CounterCommand, CounterEvent> = {
  ...counter,
  snapshot: { version: 'v1', every: SNAPSHOT_EVERY },
};

export const increment: CounterCommand = { type: 'Increment', by: 1 };
