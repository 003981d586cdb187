import type { InventoryEvent } from '../../events/inventory.js';
import type { ProductEvent } from '../../events/product.js';
import type { RecordedEvent } from '../../stores/event-store.js';
import type { Doc } from '../../stores/read-store.js';
import type { ProductDetails } from '../catalog/catalog-doc.js';
import {
  asDomainEvent,
  inventoryEventTypes,
  occurredAt,
  productEventTypes,
  productIdOf,
} from '../catalog/recorded-event.js';
import { availableChange } from '../catalog/stock.js';
import { docKey, type DocSet, type Projection } from '../projection.js';
import { SEARCH, searchIndexFields, type FindableSearchDoc, type SearchDoc } from './search-doc.js';
import { priceBandOf } from './search-facets.js';
import { searchIndexes } from './search-sorts.js';

export type SearchEvent = ProductEvent | InventoryEvent;

/** The search read model: one document per product with its words and their prefixes. */
export const searchProjection: Projection = {
  name: 'search',
  version: 2,
  collections: [{ name: SEARCH, indexes: searchIndexes }],
  filter: {
    streamCategories: ['product', 'inventory'],
    eventTypes: [...productEventTypes, ...inventoryEventTypes],
  },
  keys(event) {
    const productId = productIdOf(event);
    return productId === undefined ? [] : [{ collection: SEARCH, id: productId }];
  },
  apply(event: RecordedEvent, docs: DocSet) {
    const productId = productIdOf(event);
    if (productId === undefined) return new Map();
    const key = docKey({ collection: SEARCH, id: productId });
    const before = docs.get(key) as SearchDoc | undefined;
    const after = evolveSearchDoc(before, asDomainEvent(event), productId, occurredAt(event));
    return after === before ? new Map() : new Map<string, Doc | undefined>([[key, after]]);
  },
};

/** The product's search document after an event; the same object when nothing changes. */
export function evolveSearchDoc(
  doc: SearchDoc | undefined,
  event: SearchEvent,
  productId: string,
  at: string,
): SearchDoc | undefined {
  switch (event.type) {
    case 'ProductCreated': {
      const { sku, name, description, category, price, attributes } = event.data;
      const product = { productId, sku, name, description, category, price, attributes };
      return indexed({ ...product, createdAt: at }, 'active', doc?.available ?? 0);
    }
    case 'ProductUpdated': {
      if (!isFindable(doc)) return doc;
      const { name, description, category, attributes } = event.data;
      const product: ProductDetails = {
        productId,
        sku: doc.sku,
        name: name ?? doc.name,
        description: description ?? doc.description,
        category: category ?? doc.category,
        price: doc.price,
        attributes: attributes ?? doc.attributes,
        createdAt: doc.createdAt,
      };
      return indexed(product, doc.status, doc.available);
    }
    case 'PriceChanged':
      return isFindable(doc)
        ? { ...doc, price: event.data.price, priceBand: priceBandOf(event.data.price.amount) }
        : doc;
    case 'ProductDiscontinued':
      return isFindable(doc) ? { ...doc, status: 'discontinued' } : doc;
    case 'StockReceived':
    case 'StockAdjusted':
    case 'StockReserved':
    case 'StockReservationFailed':
    case 'ReservationReleased':
    case 'ReservationCommitted':
    case 'StockReturned': {
      const change = availableChange(event);
      if (change === 0) return doc;
      const current = doc ?? { _id: productId, status: 'pending', productId, available: 0 };
      return { ...current, available: current.available + change };
    }
    default: {
      const _exhaustive: never = event;
      return doc;
    }
  }
}

const isFindable = (doc: SearchDoc | undefined): doc is FindableSearchDoc =>
  doc !== undefined && doc.status !== 'pending';

function indexed(
  product: ProductDetails,
  status: FindableSearchDoc['status'],
  available: number,
): FindableSearchDoc {
  return {
    _id: product.productId,
    status,
    ...product,
    priceBand: priceBandOf(product.price.amount),
    available,
    ...searchIndexFields(product),
  };
}
