import type { Aggregate } from '../../src/commands/decider.js';
import type { DomainEvent } from '../../src/events/envelope.js';

/**
 * Given-events / when-command / then-events for pure deciders:
 * `given(aggregate, ...history).when(command).then(...events)` or
 * `.thenRejects('CODE')`.
 */
export function given<S, C, E extends DomainEvent>(aggregate: Aggregate<S, C, E>, ...history: E[]) {
  const state = history.reduce(aggregate.decider.evolve, aggregate.decider.initialState);
  return {
    state,
    when(command: C) {
      const run = () => aggregate.decider.decide(command, state);
      return {
        then(...expected: E[]) {
          expect(run()).toEqual(expected);
        },
        thenNothing() {
          expect(run()).toEqual([]);
        },
        thenRejects(code: string) {
          let error: unknown;
          try {
            run();
          } catch (e) {
            error = e;
          }
          expect(error).toMatchObject({ code });
        },
      };
    },
  };
}
