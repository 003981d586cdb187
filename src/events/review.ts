import type { DomainEvent } from './envelope.js';

/** Events of `review-<productId>-<customerId>` streams: one review per product and customer. */
export type ReviewSubmitted = DomainEvent<
  'ReviewSubmitted',
  {
    readonly reviewId: string;
    readonly productId: string;
    readonly customerId: string;
    /** A whole number of stars, 1..5. */
    readonly rating: number;
    readonly title?: string;
    readonly body: string;
    readonly submittedAt: string;
  }
>;

export type ReviewEvent = ReviewSubmitted;

export const reviewStream = (productId: string, customerId: string) =>
  `review-${productId}-${customerId}`;
