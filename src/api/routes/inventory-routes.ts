import { z } from 'zod';
import {
  availability,
  inventoryAggregate,
  type InventoryCommand,
} from '../../commands/inventory.js';
import { inventoryStream } from '../../events/inventory.js';
import { isPosition } from '../../stores/position.js';
import type { ApiDeps } from '../api-deps.js';
import { route, type RouteDeps } from '../route.js';
import { commandAnswer, id, quantity, text } from '../schemas.js';
import { parse } from '../validation.js';
import { ADMIN, existingProduct } from './catalog-routes.js';

const productParams = z.strictObject({ productId: id });
const stockLevels = z.object({
  productId: z.string(),
  onHand: z.number(),
  reserved: z.number(),
  available: z.number(),
});
const delta = z
  .number()
  .int()
  .min(-1_000_000)
  .max(1_000_000)
  .refine((d) => d !== 0, 'delta is a non-zero whole number');
const minPosition = z.string().refine(isPosition, 'X-Min-Position must be a position');

/** Current stock levels of a product, with the inventory stream's revision. */
async function stockOf(deps: ApiDeps, productId: string) {
  const { state, revision } = await deps.handler.load(
    inventoryAggregate,
    inventoryStream(productId),
  );
  return { body: { productId, ...availability(state) }, revision };
}

export function inventoryRoutes(r: RouteDeps, deps: ApiDeps): void {
  const stockCommand = <B>(
    action: 'receive' | 'adjust',
    summary: string,
    body: z.ZodType<B>,
    toCommand: (productId: string, body: B) => InventoryCommand,
  ) =>
    route(r, {
      method: 'post',
      path: `/v1/inventory/:productId/${action}`,
      summary,
      tag: 'inventory',
      access: ADMIN,
      params: productParams,
      body,
      responses: {
        200: { description: 'Applied', schema: stockLevels.extend(commandAnswer.shape) },
      },
      async handle({ params, body, command }) {
        await existingProduct(deps, params.productId);
        const result = await deps.handler.handle(
          inventoryAggregate,
          inventoryStream(params.productId),
          toCommand(params.productId, body),
          command(action, { conditional: true }),
        );
        // Read back: the levels and revision answered belong together.
        const stock = await stockOf(deps, params.productId);
        return {
          status: 200,
          body: { ...stock.body, position: result.position },
          revision: stock.revision,
          position: result.position,
        };
      },
    });

  stockCommand(
    'receive',
    'Receive stock for a product',
    z.strictObject({ quantity }),
    (productId, { quantity }) => ({ type: 'ReceiveStock', productId, quantity }),
  );

  stockCommand(
    'adjust',
    'Correct the stock on hand (never below what is reserved)',
    z.strictObject({ delta, reason: text(500) }),
    (productId, { delta, reason }) => ({ type: 'AdjustStock', productId, delta, reason }),
  );

  route(r, {
    method: 'get',
    path: '/v1/inventory/:productId',
    summary: 'Stock levels of a product',
    tag: 'inventory',
    access: ADMIN,
    params: productParams,
    responses: { 200: { description: 'Stock levels', schema: stockLevels } },
    async handle({ params, req }) {
      // Read from the stream itself, so any X-Min-Position is already met.
      const waitFor = req.get('X-Min-Position');
      if (waitFor !== undefined) parse(minPosition, waitFor, 'headers');
      await existingProduct(deps, params.productId);
      const stock = await stockOf(deps, params.productId);
      return { status: 200, body: stock.body, revision: stock.revision };
    },
  });
}
