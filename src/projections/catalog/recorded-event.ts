import type { InventoryEvent } from '../../events/inventory.js';
import type { ProductEvent } from '../../events/product.js';
import type { RecordedEvent } from '../../stores/event-store.js';

// Records keyed by every member of a union, so adding an event type without listing it fails to compile.
const productTypes: Record<ProductEvent['type'], true> = {
  ProductCreated: true,
  ProductUpdated: true,
  PriceChanged: true,
  ProductDiscontinued: true,
};
const inventoryTypes: Record<InventoryEvent['type'], true> = {
  StockReceived: true,
  StockAdjusted: true,
  StockReserved: true,
  StockReservationFailed: true,
  ReservationReleased: true,
  ReservationCommitted: true,
  StockReturned: true,
};

export const productEventTypes = Object.keys(productTypes) as ProductEvent['type'][];
export const inventoryEventTypes = Object.keys(inventoryTypes) as InventoryEvent['type'][];

/** A stored event as the domain union it belongs to (the projection's filter selects the types). */
export const asDomainEvent = <E extends { readonly type: string }>(event: RecordedEvent): E =>
  ({ type: event.type, data: event.data }) as unknown as E;

/** When the event happened: its metadata's `occurredAt`, else when the store recorded it. */
export function occurredAt(event: RecordedEvent): string {
  const at = event.metadata.occurredAt;
  return typeof at === 'string' ? at : event.recordedAt;
}

/** The `productId` in an event's data, when it has one. */
export function productIdOf(event: RecordedEvent): string | undefined {
  const data = event.data as { readonly productId?: unknown } | null;
  return typeof data?.productId === 'string' ? data.productId : undefined;
}
