import type { Aggregate } from '../../src/commands/decider.js';
import { AppError } from '../../src/errors.js';

export type CounterEvent =
  { type: 'Incremented'; data: { by: number } } | { type: 'Closed'; data: Record<string, never> };

export type CounterCommand = { type: 'Increment'; by: number } | { type: 'Close' };

export type CounterState = { status: 'open'; total: number } | { status: 'closed'; total: number };

/** A minimal aggregate for exercising the command handler. */
export const counter: Aggregate<CounterState, CounterCommand, CounterEvent> = {
  category: 'counter',
  decider: {
    initialState: { status: 'open', total: 0 },
    decide(command, state) {
      if (state.status === 'closed') throw new AppError('INVALID_TRANSITION', 'Counter is closed');
      switch (command.type) {
        case 'Increment':
          if (command.by <= 0) throw new AppError('INVALID_AMOUNT', 'by must be positive');
          return [{ type: 'Incremented', data: { by: command.by } }];
        case 'Close':
          return [{ type: 'Closed', data: {} }];
      }
    },
    evolve(state, event) {
      switch (event.type) {
        case 'Incremented':
          return { ...state, total: state.total + event.data.by };
        case 'Closed':
          return { status: 'closed', total: state.total };
      }
    },
  },
  schemaVersions: { Incremented: 2 },
};

export const snapshottingCounter: Aggregate<CounterState, CounterCommand, CounterEvent> = {
  ...counter,
  snapshot: { version: 'counter-v1', every: 10 },
};
