import type { DomainEvent } from './envelope.js';
import type { Money } from './money.js';

/** Events of `product-<productId>` streams. */
export type ProductCreated = DomainEvent<
  'ProductCreated',
  {
    readonly productId: string;
    readonly sku: string;
    readonly name: string;
    readonly description: string;
    readonly category: string;
    readonly price: Money;
    readonly attributes: Readonly<Record<string, string>>;
  }
>;

export type ProductUpdated = DomainEvent<
  'ProductUpdated',
  {
    readonly productId: string;
    readonly name?: string;
    readonly description?: string;
    readonly category?: string;
    readonly attributes?: Readonly<Record<string, string>>;
  }
>;

export type PriceChanged = DomainEvent<
  'PriceChanged',
  { readonly productId: string; readonly price: Money; readonly previous: Money }
>;

export type ProductDiscontinued = DomainEvent<
  'ProductDiscontinued',
  { readonly productId: string }
>;

export type ProductEvent = ProductCreated | ProductUpdated | PriceChanged | ProductDiscontinued;

export const productStream = (productId: string) => `product-${productId}`;
