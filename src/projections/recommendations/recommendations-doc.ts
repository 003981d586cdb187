import type { Doc } from '../../stores/read-store.js';

export const RECOMMENDATIONS = 'recommendations';
/** Private to the projection: orders whose products are not all settled yet. */
export const RECOMMENDATION_ORDERS = 'recommendations_orders';

export interface TogetherCount {
  readonly productId: string;
  /** Confirmed orders holding both products. */
  readonly count: number;
}

/**
 * Products bought together with `productId`, most often first (ties by
 * product id). An array rather than a map keyed by product id: ids may hold
 * dots, which MongoDB paths cannot address.
 */
export type RecommendationDoc = Doc & {
  readonly productId: string;
  readonly together: TogetherCount[];
};

/**
 * An order of two or more products on its way to a decision. `void`: it was
 * rejected or cancelled before confirmation while some of its sales were
 * already counted; those are taken back as their stock returns.
 */
export type OrderBasketDoc = Doc & {
  readonly status: 'placed' | 'void';
  /** Distinct, sorted. */
  readonly productIds: string[];
  /** Products whose sale (committed reservation) is counted in their document. */
  readonly counted: string[];
};
