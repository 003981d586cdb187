import type { RecordedEvent } from '../../../../src/stores/event-store.js';

/** The whole log, indexed for the audits. */
export class LogIndex {
  readonly byPosition = new Map<string, RecordedEvent>();
  readonly streams = new Map<string, RecordedEvent[]>();

  constructor(readonly events: readonly RecordedEvent[]) {
    for (const event of events) {
      this.byPosition.set(event.position, event);
      const stream = this.streams.get(event.streamId) ?? [];
      stream.push(event);
      this.streams.set(event.streamId, stream);
    }
  }

  stream(streamId: string): readonly RecordedEvent[] {
    return this.streams.get(streamId) ?? [];
  }

  /** Stream ids of a category (`order`, `inventory`, ...) with their events. */
  category(category: string): [string, readonly RecordedEvent[]][] {
    return [...this.streams].filter(([id]) => id.startsWith(`${category}-`));
  }
}

/** The event data as a plain record, for the audits' own folds. */
export const dataOf = (event: RecordedEvent) => event.data as Record<string, unknown>;

export const idOf = (streamId: string) => streamId.slice(streamId.indexOf('-') + 1);
