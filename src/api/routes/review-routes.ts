import { z } from 'zod';
import { purchasesAggregate, hasReceived } from '../../commands/purchases.js';
import { reviewAggregate } from '../../commands/review.js';
import { purchasesStream } from '../../events/purchases.js';
import { reviewStream } from '../../events/review.js';
import type { ApiDeps } from '../api-deps.js';
import { route, type RouteDeps } from '../route.js';
import { commandAnswer, idParams, text } from '../schemas.js';
import { existingProduct } from './catalog-routes.js';
import { caller } from './place-order.js';

const reviewBody = z.strictObject({
  rating: z.number().int().min(1).max(5),
  title: text(200).optional(),
  body: text(5000),
});

export function reviewRoutes(r: RouteDeps, deps: ApiDeps): void {
  route(r, {
    method: 'post',
    path: '/v1/products/:id/reviews',
    summary: 'Review a product you received (one review per product)',
    tag: 'reviews',
    access: ['customer'],
    params: idParams,
    body: reviewBody,
    responses: {
      201: { description: 'Submitted', schema: commandAnswer.extend({ reviewId: z.string() }) },
    },
    async handle({ params, body, principal, newId, command }) {
      const customerId = caller(principal).id;
      const productId = params.id;
      await existingProduct(deps, productId);
      const { state: purchases } = await deps.handler.load(
        purchasesAggregate,
        purchasesStream(customerId),
      );
      const reviewId = newId();
      const result = await deps.handler.handle(
        reviewAggregate,
        reviewStream(productId, customerId),
        {
          type: 'SubmitReview',
          reviewId,
          productId,
          customerId,
          ...body,
          submittedAt: deps.clock().toISOString(),
          hasDeliveredOrder: hasReceived(purchases, productId),
        },
        command('submit-review'),
      );
      const { position } = result;
      return {
        status: 201,
        body: { reviewId, productId, position },
        revision: result.nextRevision,
        position,
      };
    },
  });
}
