import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { applyBatch } from '../projections/batch-applier.js';
import { deadLetterFor, type DeadLetter } from '../projections/dead-letters.js';
import type { Projection } from '../projections/projection.js';
import { CatchUpEstimate } from '../projections/projection-status.js';
import type { EventStore, Position, RecordedEvent } from '../stores/event-store.js';
import { comparePositions } from '../stores/position.js';
import type { ReadStore } from '../stores/read-store.js';
import type { ProgressListener } from './progress.js';

export interface ProjectionBuilderOptions {
  readonly eventStore: EventStore;
  readonly readStore: ReadStore;
  readonly projection: Projection;
  /** The store's name for each of the projection's collections (shadow or scratch). */
  readonly collectionName: (local: string) => string;
  readonly batchSize?: number;
  readonly clock?: () => number;
  readonly onProgress?: ProgressListener;
  readonly signal?: AbortSignal;
}

/**
 * Builds a read model from the start of the log into collections of other
 * names, up to exactly a chosen position. It keeps its position in memory
 * only: a builder that is abandoned leaves collections that the next one
 * drops. Poison events are kept aside as dead letters (of the live read
 * model) for whoever puts the build in place.
 */
export class ProjectionBuilder {
  private through: Position | undefined;
  private processedEvents = 0;
  private readonly parkedLetters: DeadLetter[] = [];
  private readonly estimate = new CatchUpEstimate();

  constructor(private readonly options: ProjectionBuilderOptions) {}

  /** Position of the last event built in (undefined before any). */
  get position(): Position | undefined {
    return this.through;
  }

  get processed(): number {
    return this.processedEvents;
  }

  /** Events whose apply threw, as dead letters of the live read model. */
  get parked(): readonly DeadLetter[] {
    return this.parkedLetters;
  }

  /** Drops whatever an earlier build left in the target collections and creates their indexes. */
  async prepare(): Promise<void> {
    const { readStore, projection, collectionName } = this.options;
    for (const c of projection.collections) {
      await readStore.dropCollection(collectionName(c.name));
      await readStore.ensureIndexes(collectionName(c.name), c.indexes);
    }
  }

  /** Builds in every selected event after the current position up to `until` (inclusive). */
  async catchUp(until: Position | undefined): Promise<void> {
    const { eventStore, projection, signal } = this.options;
    if (until === undefined) return;
    for (;;) {
      // The embedded stores answer synchronously: without this a rebuild would starve the server's requests.
      await yieldToEventLoop();
      signal?.throwIfAborted();
      const from = this.through;
      if (from !== undefined && comparePositions(from, until) >= 0) return;
      const page = await eventStore.readAll({
        ...(from === undefined ? {} : { fromPosition: from }),
        limit: this.options.batchSize ?? 500,
        filter: projection.filter,
      });
      this.estimate.observe(from, page);
      const events = page.filter((event) => comparePositions(event.position, until) <= 0);
      if (events.length > 0) await this.apply(events);
      this.report(until);
      if (events.length < page.length || page.length === 0) {
        // Nothing more selected up to `until`: the build stands at `until`.
        this.through = until;
        return;
      }
    }
  }

  private async apply(events: readonly RecordedEvent[]): Promise<void> {
    const { readStore, projection, collectionName } = this.options;
    const clock = this.options.clock ?? Date.now;
    const poison = new Set<Position>();
    let remaining = events;
    while (remaining.length > 0) {
      const outcome = await applyBatch(
        projection,
        remaining,
        (collection, ids) => readStore.collection(collectionName(collection)).getMany(ids),
        { collectionName, skip: (event) => poison.has(event.position) },
      );
      if (outcome.writes.length > 0)
        await readStore.commit(projection.name, undefined, outcome.writes);
      remaining = remaining.slice(outcome.processed);
      this.processedEvents += outcome.processed;
      if (outcome.through !== undefined) this.through = outcome.through;
      if (!outcome.failure) continue;
      const { event, error } = outcome.failure;
      poison.add(event.position);
      this.parkedLetters.push(deadLetterFor(projection.name, event, 1, error, clock()));
    }
  }

  private report(until: Position): void {
    const remaining = this.estimate.remaining(this.through, until);
    this.options.onProgress?.({
      processed: this.processedEvents,
      total: this.processedEvents + remaining,
    });
  }
}
