/** The soak suite's shop: the place-order shop plus a cart per customer and a few orders each. */
import { call, setUpShop, type ShopSize } from '../place-order/shop-setup.js';
import { seededRandom } from '../place-order/order-bodies.js';
import { orderBody, type SoakShop } from './workload.js';

async function expectCreated(
  answer: ReturnType<typeof call>,
  what: string,
): Promise<Record<string, unknown>> {
  const res = await answer;
  if (res.status !== 201) {
    throw new Error(`${what}: expected 201, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

export async function setUpSoakShop(
  base: string,
  size: ShopSize & { readonly ordersPerCustomer: number },
  seed: number,
): Promise<SoakShop> {
  const shop = await setUpShop(base, size, `soak${seed}`);
  const random = seededRandom(seed);
  const cartIds: string[] = [];
  const seededOrders: { orderId: string; customer: number }[] = [];
  for (const [customer, token] of shop.customerTokens.entries()) {
    const cart = await expectCreated(call(base, 'POST', '/v1/carts', { token }), 'create cart');
    cartIds.push(String(cart.cartId));
    for (let i = 0; i < size.ordersPerCustomer; i++) {
      const order = await expectCreated(
        call(base, 'POST', '/v1/orders', {
          token,
          body: JSON.parse(orderBody(random, shop.productIds)) as unknown,
        }),
        'place order',
      );
      seededOrders.push({ orderId: String(order.orderId), customer });
    }
  }
  return { ...shop, cartIds, seededOrders };
}
