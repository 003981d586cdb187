import type { DomainEvent } from './envelope.js';

/** Events of `cart-<cartId>` streams. */
export type CartOpened = DomainEvent<
  'CartOpened',
  { readonly cartId: string; readonly customerId: string; readonly openedAt: string }
>;

export type ItemAdded = DomainEvent<
  'ItemAdded',
  { readonly cartId: string; readonly productId: string; readonly quantity: number }
>;

export type ItemRemoved = DomainEvent<
  'ItemRemoved',
  { readonly cartId: string; readonly productId: string }
>;

export type CartCheckedOut = DomainEvent<
  'CartCheckedOut',
  { readonly cartId: string; readonly orderId: string; readonly checkedOutAt: string }
>;

export type CartEvent = CartOpened | ItemAdded | ItemRemoved | CartCheckedOut;

export const cartStream = (cartId: string) => `cart-${cartId}`;
