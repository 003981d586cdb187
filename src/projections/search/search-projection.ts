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
import {
  SEARCH,
  SEARCH_STOCK,
  searchIndexFields,
  type SearchDoc,
  type SearchStockDoc,
} from './search-doc.js';
import { priceBandOf } from './search-facets.js';
import { searchIndexes } from './search-sorts.js';

export type SearchEvent = ProductEvent | InventoryEvent;

/**
 * The search read model: one document per product with its words and their
 * prefixes, and apart from it the product's available stock.
 */
export const searchProjection: Projection = {
  name: 'search',
  version: 5,
  collections: [
    { name: SEARCH, indexes: searchIndexes },
    { name: SEARCH_STOCK, indexes: [] },
  ],
  filter: {
    streamCategories: ['product', 'inventory'],
    eventTypes: [...productEventTypes, ...inventoryEventTypes],
  },
  keys(event) {
    const productId = productIdOf(event);
    return productId === undefined ? [] : [{ collection: collectionOf(event), id: productId }];
  },
  apply(event: RecordedEvent, docs: DocSet) {
    const productId = productIdOf(event);
    if (productId === undefined) return new Map();
    const key = docKey({ collection: collectionOf(event), id: productId });
    const before = docs.get(key);
    const domainEvent = asDomainEvent<SearchEvent>(event);
    const after = isStockEvent(domainEvent)
      ? evolveSearchStock(before as SearchStockDoc | undefined, domainEvent)
      : evolveSearchDoc(before as SearchDoc | undefined, domainEvent, productId, occurredAt(event));
    return after === before ? new Map() : new Map<string, Doc | undefined>([[key, after]]);
  },
};

const stockEventTypes: ReadonlySet<string> = new Set(inventoryEventTypes);

const isStockEvent = (event: SearchEvent): event is InventoryEvent =>
  stockEventTypes.has(event.type);

const collectionOf = (event: RecordedEvent) =>
  stockEventTypes.has(event.type) ? SEARCH_STOCK : SEARCH;

/** The product's stock document after an inventory event; the same object when nothing changes. */
export function evolveSearchStock(
  doc: SearchStockDoc | undefined,
  event: InventoryEvent,
): SearchStockDoc | undefined {
  const change = availableChange(event);
  if (change === 0) return doc;
  return { _id: event.data.productId, available: (doc?.available ?? 0) + change };
}

/** The product's search document after a product event; the same object when nothing changes. */
export function evolveSearchDoc(
  doc: SearchDoc | undefined,
  event: ProductEvent,
  productId: string,
  at: string,
): SearchDoc | undefined {
  switch (event.type) {
    case 'ProductCreated': {
      const { sku, name, description, category, price, attributes } = event.data;
      const product = { productId, sku, name, description, category, price, attributes };
      return indexed({ ...product, createdAt: at }, 'active');
    }
    case 'ProductUpdated': {
      if (!doc) return doc;
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
      return indexed(product, doc.status);
    }
    case 'PriceChanged':
      return doc
        ? { ...doc, price: event.data.price, priceBand: priceBandOf(event.data.price.amount) }
        : doc;
    case 'ProductDiscontinued':
      return doc ? { ...doc, status: 'discontinued' } : doc;
    default: {
      const _exhaustive: never = event;
      return doc;
    }
  }
}

function indexed(product: ProductDetails, status: SearchDoc['status']): SearchDoc {
  return {
    _id: product.productId,
    status,
    ...product,
    priceBand: priceBandOf(product.price.amount),
    ...searchIndexFields(product),
  };
}
