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

/** ProductCreated as first stored (schemaVersion 1): attributes were optional then. */
export type ProductCreatedV1Data = Omit<ProductCreated['data'], 'attributes'> & {
  readonly attributes?: ProductCreated['data']['attributes'];
};

/** schemaVersion 1 -> 2: every product has attributes, possibly none. */
export const productCreatedV1ToV2 = (data: ProductCreatedV1Data): ProductCreated['data'] => ({
  ...data,
  attributes: data.attributes ?? {},
});
