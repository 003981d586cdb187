import type { InventoryEvent } from '../../events/inventory.js';
import type { ProductEvent } from '../../events/product.js';
import type { ReviewEvent } from '../../events/review.js';
import type { RecordedEvent } from '../../stores/event-store.js';
import type { Doc } from '../../stores/read-store.js';
import { docKey, type DocSet, type Projection } from '../projection.js';
import {
  CATALOG,
  emptyCounters,
  type CatalogDoc,
  type ListedCatalogDoc,
  type ProductCounters,
} from './catalog-doc.js';
import { catalogIndexes } from './catalog-sorts.js';
import {
  asDomainEvent,
  inventoryEventTypes,
  occurredAt,
  productEventTypes,
  productIdOf,
} from './recorded-event.js';
import { stockAfter, unitsSoldBy } from './stock.js';

export type CatalogEvent = ProductEvent | InventoryEvent | ReviewEvent;

/** The catalog read model: one document per product, by product id. */
export const catalogProjection: Projection = {
  name: 'catalog',
  version: 1,
  collections: [{ name: CATALOG, indexes: catalogIndexes }],
  filter: {
    streamCategories: ['product', 'inventory', 'review'],
    eventTypes: [...productEventTypes, ...inventoryEventTypes, 'ReviewSubmitted'],
  },
  keys(event) {
    const productId = productIdOf(event);
    return productId === undefined ? [] : [{ collection: CATALOG, id: productId }];
  },
  apply(event: RecordedEvent, docs: DocSet) {
    const productId = productIdOf(event);
    if (productId === undefined) return new Map();
    const key = docKey({ collection: CATALOG, id: productId });
    const before = docs.get(key) as CatalogDoc | undefined;
    const after = evolveCatalogDoc(before, asDomainEvent(event), productId, occurredAt(event));
    return after === before ? new Map() : new Map<string, Doc | undefined>([[key, after]]);
  },
};

/** The product's document after an event; the same object when the event changes nothing. */
export function evolveCatalogDoc(
  doc: CatalogDoc | undefined,
  event: CatalogEvent,
  productId: string,
  at: string,
): CatalogDoc | undefined {
  switch (event.type) {
    case 'ProductCreated': {
      const { sku, name, description, category, price, attributes } = event.data;
      return {
        _id: productId,
        status: 'active',
        productId,
        sku,
        name,
        description,
        category,
        price,
        attributes,
        createdAt: at,
        ...countersOf(doc),
      };
    }
    case 'ProductUpdated': {
      if (!isListed(doc)) return doc;
      const { name, description, category, attributes } = event.data;
      return {
        ...doc,
        ...(name === undefined ? {} : { name }),
        ...(description === undefined ? {} : { description }),
        ...(category === undefined ? {} : { category }),
        ...(attributes === undefined ? {} : { attributes }),
      };
    }
    case 'PriceChanged':
      return isListed(doc) ? { ...doc, price: event.data.price } : doc;
    case 'ProductDiscontinued':
      return isListed(doc) ? { ...doc, status: 'discontinued' } : doc;
    case 'ReviewSubmitted': {
      const current = doc ?? pending(productId);
      const reviewCount = current.reviewCount + 1;
      const ratingTotal = current.ratingTotal + event.data.rating;
      return { ...current, reviewCount, ratingTotal, rating: average(ratingTotal, reviewCount) };
    }
    case 'StockReservationFailed':
      return doc;
    case 'StockReceived':
    case 'StockAdjusted':
    case 'StockReserved':
    case 'ReservationReleased':
    case 'ReservationCommitted':
    case 'StockReturned': {
      const current = doc ?? pending(productId);
      return {
        ...current,
        ...stockAfter(current, event),
        unitsSold: current.unitsSold + unitsSoldBy(event),
      };
    }
    default: {
      const _exhaustive: never = event;
      return doc;
    }
  }
}

const isListed = (doc: CatalogDoc | undefined): doc is ListedCatalogDoc =>
  doc !== undefined && doc.status !== 'pending';

const pending = (productId: string): CatalogDoc => ({
  _id: productId,
  status: 'pending',
  productId,
  ...emptyCounters,
});

function countersOf(doc: CatalogDoc | undefined): ProductCounters {
  if (!doc) return emptyCounters;
  const { onHand, reserved, available, reviewCount, ratingTotal, rating, unitsSold } = doc;
  return { onHand, reserved, available, reviewCount, ratingTotal, rating, unitsSold };
}

/** Average stars, rounded to 2 decimals. */
const average = (total: number, count: number): number =>
  count === 0 ? 0 : Math.round((total * 100) / count) / 100;
