import type { DomainEvent } from '../events/envelope.js';
import type { EventStore, RecordedEvent } from '../stores/event-store.js';
import type { SnapshotStore } from '../stores/snapshot-store.js';
import type { Aggregate } from './decider.js';
import { LruCache } from './lru-cache.js';

export interface LoadedAggregate<State> {
  readonly state: State;
  /** Revision of the last event folded, -1 for a stream with no events. */
  readonly revision: number;
  /** Events folded since the last snapshot. */
  readonly sinceSnapshot: number;
}

/** Turns a stored event into the current shape of its type (see upcasters). */
export type Upcast = (event: RecordedEvent) => DomainEvent;

const PAGE = 1000;
const asDomainEvent: Upcast = (event) => ({ type: event.type, data: event.data });

/**
 * Loads an aggregate's state: from the in-process cache or a snapshot when
 * there is one, then folds every event after that revision. Reading forward
 * from a known revision is always correct, so a stale cache or snapshot only
 * costs a longer read.
 */
export class AggregateLoader {
  private readonly cache: LruCache<string, LoadedAggregate<unknown>>;

  constructor(
    private readonly eventStore: EventStore,
    private readonly snapshots: SnapshotStore | undefined,
    private readonly upcast: Upcast = asDomainEvent,
    cacheSize = 10_000,
  ) {
    this.cache = new LruCache(cacheSize);
  }

  async load<S, C, E extends DomainEvent>(
    aggregate: Aggregate<S, C, E>,
    streamId: string,
  ): Promise<LoadedAggregate<S>> {
    let loaded = (this.cache.get(streamId) as LoadedAggregate<S> | undefined) ??
      (await this.fromSnapshot(aggregate, streamId)) ?? {
        state: aggregate.decider.initialState,
        revision: -1,
        sinceSnapshot: 0,
      };
    for (;;) {
      const events = await this.eventStore.readStream(streamId, {
        fromRevision: loaded.revision + 1,
        limit: PAGE,
      });
      loaded = this.fold(aggregate, loaded, events);
      if (events.length < PAGE) break;
    }
    return loaded;
  }

  /**
   * The state this process last saw for the stream, without reading it: the
   * cached entry, or for an aggregate without snapshots a brand-new stream.
   * Unverified: only an append expecting its revision confirms it.
   */
  guess<S, C, E extends DomainEvent>(
    aggregate: Aggregate<S, C, E>,
    streamId: string,
  ): LoadedAggregate<S> | undefined {
    const cached = this.cache.get(streamId) as LoadedAggregate<S> | undefined;
    if (cached || aggregate.snapshot) return cached;
    return { state: aggregate.decider.initialState, revision: -1, sinceSnapshot: 0 };
  }

  fold<S, C, E extends DomainEvent>(
    aggregate: Aggregate<S, C, E>,
    from: LoadedAggregate<S>,
    events: readonly RecordedEvent[],
  ): LoadedAggregate<S> {
    let { state, revision } = from;
    for (const event of events) {
      state = aggregate.decider.evolve(state, this.upcast(event) as E);
      revision = event.revision;
    }
    return { state, revision, sinceSnapshot: from.sinceSnapshot + events.length };
  }

  remember<S, C, E extends DomainEvent>(
    aggregate: Aggregate<S, C, E>,
    streamId: string,
    loaded: LoadedAggregate<S>,
  ): void {
    const policy = aggregate.snapshot;
    if (policy && this.snapshots && loaded.sinceSnapshot >= policy.every) {
      this.snapshots.saveSnapshot(streamId, {
        revision: loaded.revision,
        version: policy.version,
        state: loaded.state,
      });
      loaded = { ...loaded, sinceSnapshot: 0 };
    }
    this.cache.set(streamId, loaded);
  }

  forget(streamId: string): void {
    this.cache.delete(streamId);
  }

  private async fromSnapshot<S, C, E extends DomainEvent>(
    aggregate: Aggregate<S, C, E>,
    streamId: string,
  ): Promise<LoadedAggregate<S> | undefined> {
    if (!aggregate.snapshot || !this.snapshots) return undefined;
    const snapshot = await this.snapshots.loadSnapshot(streamId);
    if (!snapshot || snapshot.version !== aggregate.snapshot.version) return undefined;
    return { state: snapshot.state as S, revision: snapshot.revision, sinceSnapshot: 0 };
  }
}
