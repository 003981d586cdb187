/**
 * The mixed workload of the soak suite: what a shop's clients do, in
 * proportions, as HTTP requests. Commands that need an earlier answer (cancel,
 * ship, refund an order) draw from the orders this workload placed.
 */
import type { Shop } from '../place-order/shop-setup.js';
import { seededRandom } from '../place-order/order-bodies.js';

export interface PlannedRequest {
  /** The route as a bounded label, e.g. `GET /v1/orders/:id`. */
  readonly route: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly token?: string;
  readonly body?: string;
  /** Sees the answer (to remember placed and shipped orders). */
  readonly onAnswer?: (status: number, body: string) => void;
}

export interface SoakShop extends Shop {
  /** One cart per customer, by customer index. */
  readonly cartIds: readonly string[];
  /** Orders placed during set-up, readable by their owner. */
  readonly seededOrders: readonly { readonly orderId: string; readonly customer: number }[];
}

interface KnownOrder {
  readonly orderId: string;
  readonly customer: number;
}

const WORDS = ['bench', 'product', 'prod', 'ben', 'item', 'bench product 1'];
const CATEGORIES = ['books', 'games', 'garden', 'kitchen'];
const SORTS = ['price', '-price', 'rating', 'newest', 'bestselling'];

/** Relative weights of each kind of request in the mix. */
export const MIX: readonly (readonly [string, number])[] = [
  ['POST /v1/orders', 20],
  ['GET /v1/orders/:id', 10],
  ['GET /v1/me/orders', 10],
  ['GET /v1/catalog', 18],
  ['GET /v1/catalog/:id', 10],
  ['GET /v1/search', 10],
  ['POST /v1/carts/:id/items', 8],
  ['POST /v1/orders/:id/cancel', 4],
  ['POST /v1/orders/:id/ship', 5],
  ['POST /v1/orders/:id/refund', 3],
  ['POST /v1/inventory/:id/receive', 2],
];

/** Routes whose requests need no state from earlier answers (closed-loop sweeps use only these). */
export const STATELESS_ROUTES = new Set([
  'POST /v1/orders',
  'GET /v1/orders/:id',
  'GET /v1/me/orders',
  'GET /v1/catalog',
  'GET /v1/catalog/:id',
  'GET /v1/search',
  'POST /v1/carts/:id/items',
]);

export function orderBody(random: () => number, productIds: readonly string[]): string {
  const pick = () => productIds[Math.floor(random() * productIds.length)] ?? '';
  const lines = new Map<string, number>();
  const count = 1 + Math.floor(random() * 3);
  while (lines.size < Math.min(count, productIds.length))
    lines.set(pick(), 1 + Math.floor(random() * 2));
  return JSON.stringify({
    lines: [...lines].map(([productId, quantity]) => ({ productId, quantity })),
    shippingAddress: {
      name: 'Soak Tester',
      line1: '1 Load Street',
      city: 'Leeds',
      postalCode: 'LS1 1AA',
      country: 'GB',
    },
    payment: { method: 'card', token: 'tok_visa' },
  });
}

/** Draws requests in the proportions of MIX (restricted to `routes` when given). */
export class Workload {
  private readonly random: () => number;
  private readonly weights: readonly (readonly [string, number])[];
  private readonly totalWeight: number;
  /** Confirmed and not yet shipped or cancelled. */
  private readonly confirmed: KnownOrder[] = [];
  private readonly shipped: KnownOrder[] = [];

  constructor(
    private readonly shop: SoakShop,
    seed: number,
    routes?: ReadonlySet<string>,
  ) {
    this.random = seededRandom(seed);
    this.weights = routes ? MIX.filter(([route]) => routes.has(route)) : MIX;
    this.totalWeight = this.weights.reduce((sum, [, weight]) => sum + weight, 0);
  }

  next(): PlannedRequest {
    let draw = this.random() * this.totalWeight;
    for (const [route, weight] of this.weights) {
      draw -= weight;
      if (draw < 0) return this.request(route);
    }
    return this.request('GET /v1/catalog');
  }

  private int(below: number): number {
    return Math.floor(this.random() * below);
  }

  private customer(): number {
    return this.int(this.shop.customerTokens.length);
  }

  private product(): string {
    return this.shop.productIds[this.int(this.shop.productIds.length)] ?? '';
  }

  private take(list: KnownOrder[]): KnownOrder | undefined {
    if (list.length === 0) return undefined;
    const index = this.int(list.length);
    const [order] = list.splice(index, 1);
    return order;
  }

  private request(route: string): PlannedRequest {
    const { shop } = this;
    const staff = shop.staffToken;
    switch (route) {
      case 'POST /v1/orders': {
        const customer = this.customer();
        return {
          route,
          method: 'POST',
          path: '/v1/orders',
          token: shop.customerTokens[customer] ?? '',
          body: orderBody(this.random, shop.productIds),
          onAnswer: (status, body) => {
            if (status !== 201) return;
            const answer = JSON.parse(body) as { orderId?: string; status?: string };
            if (answer.status === 'confirmed' && answer.orderId) {
              this.confirmed.push({ orderId: answer.orderId, customer });
            }
          },
        };
      }
      case 'GET /v1/orders/:id': {
        const order = shop.seededOrders[this.int(shop.seededOrders.length)];
        if (!order) return this.request('GET /v1/catalog');
        return {
          route,
          method: 'GET',
          path: `/v1/orders/${order.orderId}`,
          token: shop.customerTokens[order.customer] ?? '',
        };
      }
      case 'GET /v1/me/orders':
        return {
          route,
          method: 'GET',
          path: '/v1/me/orders?limit=20',
          token: shop.customerTokens[this.customer()] ?? '',
        };
      case 'GET /v1/catalog': {
        const category = CATEGORIES[this.int(CATEGORIES.length)] ?? 'books';
        const sort = SORTS[this.int(SORTS.length)] ?? 'price';
        return { route, method: 'GET', path: `/v1/catalog?category=${category}&sort=${sort}` };
      }
      case 'GET /v1/catalog/:id':
        return { route, method: 'GET', path: `/v1/catalog/${this.product()}` };
      case 'GET /v1/search': {
        const q = encodeURIComponent(WORDS[this.int(WORDS.length)] ?? 'bench');
        return { route, method: 'GET', path: `/v1/search?q=${q}&facets=category,price` };
      }
      case 'POST /v1/carts/:id/items': {
        const customer = this.customer();
        return {
          route,
          method: 'POST',
          path: `/v1/carts/${shop.cartIds[customer] ?? ''}/items`,
          token: shop.customerTokens[customer] ?? '',
          body: JSON.stringify({ productId: this.product(), quantity: 1 }),
        };
      }
      case 'POST /v1/orders/:id/cancel': {
        const order = this.take(this.confirmed);
        if (!order) return this.request('POST /v1/orders');
        return {
          route,
          method: 'POST',
          path: `/v1/orders/${order.orderId}/cancel`,
          token: shop.customerTokens[order.customer] ?? '',
          body: JSON.stringify({ reason: 'changed my mind' }),
        };
      }
      case 'POST /v1/orders/:id/ship': {
        const order = this.take(this.confirmed);
        if (!order) return this.request('POST /v1/orders');
        return {
          route,
          method: 'POST',
          path: `/v1/orders/${order.orderId}/ship`,
          token: staff,
          body: JSON.stringify({ carrier: 'DHL', trackingNumber: `T${order.orderId.slice(-8)}` }),
          onAnswer: (status) => {
            if (status === 200) this.shipped.push(order);
          },
        };
      }
      case 'POST /v1/orders/:id/refund': {
        const order = this.take(this.shipped);
        if (!order) return this.request('GET /v1/catalog');
        return {
          route,
          method: 'POST',
          path: `/v1/orders/${order.orderId}/refund`,
          token: staff,
          body: JSON.stringify({ amount: 100, reason: 'damaged' }),
        };
      }
      case 'POST /v1/inventory/:id/receive':
        return {
          route,
          method: 'POST',
          path: `/v1/inventory/${this.product()}/receive`,
          token: staff,
          body: JSON.stringify({ quantity: 100 }),
        };
      default:
        throw new Error(`No request for route ${route}`);
    }
  }
}
