import type { DomainEvent } from '../events/envelope.js';

/**
 * A pure aggregate: `decide` turns a command and the current state into new
 * events (or throws an AppError to reject it); `evolve` folds one event into
 * the state. No I/O, clock or randomness: time and ids arrive in the command.
 */
export interface Decider<State, Command, Event extends DomainEvent> {
  readonly initialState: State;
  decide(command: Command, state: State): readonly Event[];
  evolve(state: State, event: Event): State;
}

/** A decider bound to its stream category, with optional snapshotting. */
export interface Aggregate<State, Command, Event extends DomainEvent> {
  readonly category: string;
  readonly decider: Decider<State, Command, Event>;
  /** schemaVersion written on new events of each type (default: the registry's, see events/upcasters). */
  readonly schemaVersions?: Readonly<Partial<Record<Event['type'], number>>>;
  /**
   * Save a snapshot when at least `every` events were folded since the last
   * one. `version` must change whenever the shape of State changes. State
   * must survive a JSON round trip.
   */
  readonly snapshot?: { readonly version: string; readonly every: number };
}
