import { v5 as uuidv5 } from 'uuid';
import { z } from 'zod';
import { cartAggregate, cartView, type CartCommand, type CartView } from '../../commands/cart.js';
import type { CommandContext } from '../../commands/command-result.js';
import { orderAggregate } from '../../commands/order.js';
import { AppError, isAppError } from '../../errors.js';
import { cartStream } from '../../events/cart.js';
import { orderStream } from '../../events/order.js';
import type { ApiDeps } from '../api-deps.js';
import { route, type RouteDeps, type RouteResult } from '../route.js';
import { commandAnswer, id, idParams, quantity } from '../schemas.js';
import { positionOf } from './catalog-routes.js';
import {
  acceptMinPosition,
  answerWhenDecided,
  caller,
  checkoutFields,
  orderAnswers,
  placedOrder,
  placeOrder,
  priceOrder,
  sellableProduct,
  type Checkout,
  type PlacedOrder,
} from './place-order.js';

const CUSTOMER = ['customer'] as const;
/** Namespace of the order ids derived from a cart and its revision. */
const CART_ORDERS = '6f1d3c2a-8b4e-5f7a-9c0d-2e3f4a5b6c7d';

const cartSchema = z.object({
  cartId: z.string(),
  customerId: z.string(),
  status: z.enum(['open', 'checkedOut']),
  lines: z.array(z.object({ productId: z.string(), quantity: z.number() })),
  orderId: z.string().optional(),
});

/**
 * Checking out the same cart revision twice (a double click, a retry after a
 * lost answer) names the same order, so it is placed once.
 */
const cartOrderId = (cartId: string, revision: number) =>
  uuidv5(`${cartId}:${revision}`, CART_ORDERS);

/** The caller's cart; another customer's cart is 404, as is an unknown one. */
async function ownCart(
  deps: ApiDeps,
  cartId: string,
  customerId: string,
): Promise<{ view: CartView; revision: number }> {
  const { state, revision } = await deps.handler.load(cartAggregate, cartStream(cartId));
  const view = cartView(state);
  if (!view || view.customerId !== customerId) throw new AppError('NOT_FOUND', 'No such cart');
  return { view, revision };
}

export function cartRoutes(r: RouteDeps, deps: ApiDeps): void {
  async function cartCommand(
    cartId: string,
    command: CartCommand,
    context: CommandContext,
  ): Promise<RouteResult> {
    const stream = cartStream(cartId);
    const result = await deps.handler.handle(cartAggregate, stream, command, context);
    const position = await positionOf(deps, stream, result);
    const { state, revision } = await deps.handler.load(cartAggregate, stream);
    return { status: 200, body: { ...cartView(state), position }, revision, position };
  }

  /** Places the cart's order once: a repeat finds the order already placed. */
  async function placeCartOrder(
    cart: CartView,
    orderId: string,
    checkout: Checkout,
    context: CommandContext,
  ): Promise<PlacedOrder> {
    const { state } = await deps.handler.load(orderAggregate, orderStream(orderId));
    if (state.status !== 'absent') return placedOrder(deps, orderId);
    const priced = await priceOrder(deps, cart.lines, checkout.couponCode);
    try {
      const order = { orderId, customerId: cart.customerId };
      return await placeOrder(deps, order, priced, checkout, context);
    } catch (error) {
      if (isAppError(error) && error.code === 'ORDER_EXISTS') return placedOrder(deps, orderId);
      throw error;
    }
  }

  async function checkOut(
    cartId: string,
    orderId: string,
    command: (step: string) => CommandContext,
  ) {
    const at = deps.clock().toISOString();
    try {
      await deps.handler.handle(
        cartAggregate,
        cartStream(cartId),
        { type: 'CheckOutCart', orderId, checkedOutAt: at },
        command('check-out-cart'),
      );
    } catch (error) {
      if (!(isAppError(error) && error.code === 'INVALID_TRANSITION')) throw error;
      const { state } = await deps.handler.load(cartAggregate, cartStream(cartId));
      if (state.status === 'checkedOut' && state.orderId === orderId) return;
      // Checked out with another order meanwhile (the cart changed under a
      // concurrent checkout): this order must not go ahead.
      await deps.handler.handle(
        orderAggregate,
        orderStream(orderId),
        { type: 'CancelOrder', by: 'customer', reason: 'CART_CHECKED_OUT', cancelledAt: at },
        command('cancel-order'),
      );
      throw new AppError('INVALID_TRANSITION', 'The cart was checked out meanwhile', {
        ...(state.status === 'checkedOut' ? { orderId: state.orderId } : {}),
      });
    }
  }

  route(r, {
    method: 'post',
    path: '/v1/carts',
    summary: 'Open a cart',
    tag: 'carts',
    access: CUSTOMER,
    body: z.strictObject({}),
    responses: {
      201: { description: 'Opened', schema: commandAnswer.extend({ cartId: z.string() }) },
    },
    async handle({ principal, newId, command }) {
      const cartId = newId();
      const result = await deps.handler.handle(
        cartAggregate,
        cartStream(cartId),
        {
          type: 'OpenCart',
          cartId,
          customerId: caller(principal).id,
          openedAt: deps.clock().toISOString(),
        },
        command('open-cart'),
      );
      const { position } = result;
      return { status: 201, body: { cartId, position }, revision: result.nextRevision, position };
    },
  });

  route(r, {
    method: 'get',
    path: '/v1/carts/:id',
    summary: 'One of your carts',
    tag: 'carts',
    access: CUSTOMER,
    params: idParams,
    responses: { 200: { description: 'The cart', schema: cartSchema } },
    async handle({ params, principal, req }) {
      acceptMinPosition(req);
      const { view, revision } = await ownCart(deps, params.id, caller(principal).id);
      return { status: 200, body: view, revision };
    },
  });

  route(r, {
    method: 'post',
    path: '/v1/carts/:id/items',
    summary: 'Add a quantity of a product to your cart',
    tag: 'carts',
    access: CUSTOMER,
    params: idParams,
    body: z.strictObject({ productId: id, quantity }),
    responses: { 200: { description: 'Added', schema: cartSchema.extend(commandAnswer.shape) } },
    async handle({ params, body, principal, command }) {
      await ownCart(deps, params.id, caller(principal).id);
      await sellableProduct(deps, body.productId);
      return cartCommand(
        params.id,
        { type: 'AddItem', ...body },
        command('add-item', { conditional: true }),
      );
    },
  });

  route(r, {
    method: 'delete',
    path: '/v1/carts/:id/items/:productId',
    summary: 'Remove a product from your cart (removing an absent one changes nothing)',
    tag: 'carts',
    access: CUSTOMER,
    params: z.strictObject({ id, productId: id }),
    responses: { 200: { description: 'Removed', schema: cartSchema.extend(commandAnswer.shape) } },
    async handle({ params, principal, command }) {
      await ownCart(deps, params.id, caller(principal).id);
      const { productId } = params;
      return cartCommand(
        params.id,
        { type: 'RemoveItem', productId },
        command('remove-item', { conditional: true }),
      );
    },
  });

  route(r, {
    method: 'post',
    path: '/v1/carts/:id/checkout',
    summary: 'Order what is in your cart and wait briefly for the fulfilment decision',
    tag: 'carts',
    access: CUSTOMER,
    params: idParams,
    body: z.strictObject(checkoutFields),
    responses: orderAnswers,
    async handle({ params, body, principal, ifMatch, command }) {
      const { view: cart, revision } = await ownCart(deps, params.id, caller(principal).id);
      if (ifMatch !== undefined && ifMatch !== revision) {
        throw new AppError('PRECONDITION_FAILED', `The cart is at revision ${revision}`, {
          revision,
        });
      }
      if (cart.status === 'checkedOut') {
        throw new AppError('INVALID_TRANSITION', 'The cart was already checked out', {
          orderId: cart.orderId,
        });
      }
      if (cart.lines.length === 0) throw new AppError('EMPTY_CART', 'The cart is empty');
      const orderId = cartOrderId(cart.cartId, revision);
      const placed = await placeCartOrder(cart, orderId, body, command('place-order'));
      await checkOut(cart.cartId, orderId, command);
      return answerWhenDecided(deps, placed);
    },
  });
}
