import type { EventStore } from '../stores/event-store.js';

/** Where a subscriber remembers how far it got. */
export interface Checkpoints {
  load(name: string): Promise<string | undefined>;
  save(name: string, position: string): Promise<void>;
}

export const CHECKPOINT_CATEGORY = 'checkpoint';

/**
 * Checkpoints kept in the log itself (`checkpoint-<name>`), so they live
 * wherever the events live, on either adapter. Losing the latest one only
 * means some events are processed again, which every effect tolerates.
 */
export class EventStoreCheckpoints implements Checkpoints {
  constructor(
    private readonly eventStore: EventStore,
    private readonly newId: () => string,
  ) {}

  async load(name: string): Promise<string | undefined> {
    const [last] = await this.eventStore.readStream(`${CHECKPOINT_CATEGORY}-${name}`, {
      direction: 'backwards',
      limit: 1,
    });
    return (last?.data as { position?: string } | undefined)?.position;
  }

  async save(name: string, position: string): Promise<void> {
    await this.eventStore.appendToStream(`${CHECKPOINT_CATEGORY}-${name}`, [
      { eventId: this.newId(), type: 'CheckpointSaved', data: { position } },
    ]);
  }
}
