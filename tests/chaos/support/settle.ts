import { filter, firstValueFrom, timeout } from 'rxjs';
import { CHECKPOINT_CATEGORY } from '../../../src/processes/checkpoints.js';
import { FULFILMENT } from '../../../src/processes/order-fulfilment.js';
import type { EventStore, RecordedEvent } from '../../../src/stores/event-store.js';
import { comparePositions } from '../../../src/stores/position.js';

const FULFILMENT_CHECKPOINT = `${CHECKPOINT_CATEGORY}-${FULFILMENT}`;

/**
 * Resolves once the fulfilment process has handled every order event in the
 * log: its saved checkpoint (a low watermark) is at or past the last one.
 * Handling an event appends all its effects before the watermark passes it,
 * so by then every effect is in the log. Waits on checkpoint appends, not time.
 */
export async function fulfilmentSettled(store: EventStore, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const head = await store.headPosition();
    const [lastOrder] = await store.readAll({
      direction: 'backwards',
      limit: 1,
      filter: { streamCategories: ['order'] },
    });
    const [checkpoint] = await store.readStream(FULFILMENT_CHECKPOINT, {
      direction: 'backwards',
      limit: 1,
    });
    const handled = (checkpoint?.data as { position?: string } | undefined)?.position;
    if (!lastOrder || (handled && comparePositions(handled, lastOrder.position) >= 0)) return;
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new Error(
        `fulfilment has handled up to ${handled ?? 'nothing'}, the last order event is at ${lastOrder.position}`,
      );
    }
    await firstValueFrom(
      store
        .subscribeToAll({
          ...(head ? { fromPosition: head } : {}),
          filter: { streamCategories: [CHECKPOINT_CATEGORY] },
        })
        .pipe(
          filter((event) => event.streamId === FULFILMENT_CHECKPOINT),
          timeout({ first: left, with: () => [undefined] }),
        ),
    );
  }
}

/** Every event of the log, in position order. */
export async function readWholeLog(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (;;) {
    const last = events[events.length - 1];
    const page = await store.readAll({
      ...(last ? { fromPosition: last.position } : {}),
      limit: 5000,
    });
    events.push(...page);
    if (page.length < 5000) return events;
  }
}
