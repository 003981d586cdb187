import type { SettledStatus } from '../commands/inventory.js';
import { inventoryStream } from '../events/inventory.js';
import type { EventStore } from '../stores/event-store.js';

const PAGE = 500;

const statusAfter = new Map<string, SettledStatus | 'held'>([
  ['StockReserved', 'held'],
  ['StockReservationFailed', 'failed'],
  ['ReservationReleased', 'released'],
  ['ReservationCommitted', 'committed'],
  ['StockReturned', 'returned'],
]);

/**
 * What became of a reservation, read from its inventory stream: for one the
 * inventory state no longer remembers. Reads backwards from the newest event
 * and stops at the event that made the reservation, so the cost is the
 * number of events since then; undefined when the stream never had it.
 */
export async function reservationHistory(
  eventStore: Pick<EventStore, 'readStream'>,
  productId: string,
  reservationId: string,
): Promise<SettledStatus | 'held' | undefined> {
  const streamId = inventoryStream(productId);
  let latest: SettledStatus | 'held' | undefined;
  let from: number | undefined;
  for (;;) {
    const page = await eventStore.readStream(streamId, {
      direction: 'backwards',
      limit: PAGE,
      ...(from === undefined ? {} : { fromRevision: from }),
    });
    for (const event of page) {
      const status = statusAfter.get(event.type);
      if (!status || (event.data as { reservationId?: unknown }).reservationId !== reservationId) {
        continue;
      }
      latest ??= status;
      if (event.type === 'StockReserved' || event.type === 'StockReservationFailed') return latest;
    }
    const oldest = page[page.length - 1];
    if (!oldest || oldest.revision === 0) return latest;
    from = oldest.revision - 1;
  }
}
