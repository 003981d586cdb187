import { cartAggregate } from '../commands/cart.js';
import { customerAggregate } from '../commands/customer.js';
import type { Aggregate } from '../commands/decider.js';
import { inventoryAggregate } from '../commands/inventory.js';
import { orderAggregate } from '../commands/order.js';
import { paymentAggregate } from '../commands/payment.js';
import { productAggregate } from '../commands/product.js';
import { promotionAggregate } from '../commands/promotion.js';
import { purchasesAggregate } from '../commands/purchases.js';
import { reviewAggregate } from '../commands/review.js';
import { uniqueClaimAggregate } from '../commands/unique-claim.js';
import type { DomainEvent } from '../events/envelope.js';

/** Any aggregate, for folding stored events into its state. */
export type AnyAggregate = Aggregate<unknown, unknown, DomainEvent>;

const AGGREGATES = [
  productAggregate,
  inventoryAggregate,
  orderAggregate,
  paymentAggregate,
  customerAggregate,
  cartAggregate,
  promotionAggregate,
  reviewAggregate,
  purchasesAggregate,
  uniqueClaimAggregate,
] as unknown as readonly AnyAggregate[];

/** Every aggregate by its stream category (the stream id up to its first '-'). */
export const AGGREGATES_BY_CATEGORY: ReadonlyMap<string, AnyAggregate> = new Map(
  AGGREGATES.map((aggregate) => [aggregate.category, aggregate]),
);
