import type { Ack, Money, OrderAck } from './acks.js';
import type { ChaosHttp, Outcome } from './chaos-http.js';
import type { Random } from './random.js';
import type { Customer, Shop } from './shop.js';

/** What the clients know about an order from their own acknowledged answers. */
interface KnownOrder {
  readonly orderId: string;
  readonly customer: Customer;
  readonly total: Money;
  status: string;
  refunded: number;
}

/** What every client shares: the shop, the orders seen so far and the acknowledgements. */
export class LoadState {
  readonly acks: Ack[] = [];
  readonly orders = new Map<string, KnownOrder>();
  /** Answers 5xx, and 4xx a well-behaved client should never get, with what was sent. */
  readonly unexpected: string[] = [];
  stopped = false;

  constructor(readonly shop: Shop) {}

  ordersIn(statuses: readonly string[]): KnownOrder[] {
    return [...this.orders.values()].filter((o) => statuses.includes(o.status));
  }
}

const address = {
  name: 'Chaos Buyer',
  line1: '1 Kill Street',
  city: 'Sigville',
  postalCode: '9999',
  country: 'NL',
};

/** Refusals a client may meet while others change the same orders and stock. */
const EXPECTED_REFUSALS = new Set([
  '409 INVALID_TRANSITION',
  '409 REFUND_EXCEEDS_CAPTURED',
  '409 ADJUSTMENT_BELOW_RESERVED',
  '409 CONCURRENCY_CONFLICT',
  '409 EMPTY_CART',
]);

/**
 * One shop client: picks an action by its own seeded generator, sends it to
 * whichever server is up and records every acknowledged answer.
 */
export class ShopClient {
  constructor(
    private readonly state: LoadState,
    private readonly http: ChaosHttp,
    private readonly random: Random,
  ) {}

  async run(): Promise<void> {
    while (!this.state.stopped) {
      const action = this.random.weighted({
        order: 30,
        cart: 9,
        cancel: 9,
        ship: 12,
        deliver: 8,
        refund: 8,
        receive: 8,
        adjust: 6,
        refresh: 6,
      });
      await this[action]();
    }
  }

  private key(): string | undefined {
    return this.random.chance(0.5) ? `chaos-${this.random.token()}` : undefined;
  }

  private customer(): Customer {
    return this.random.pick(this.state.shop.customers);
  }

  /** Answered 2xx, else records any refusal that is not part of the game. */
  private accepted(what: string, outcome: Outcome, allowed: readonly string[] = []) {
    if (outcome.kind === 'lost') return undefined;
    if (outcome.status < 300) return outcome.body;
    const refusal = `${outcome.status} ${String(outcome.body.code ?? '')}`;
    if (!EXPECTED_REFUSALS.has(refusal) && !allowed.includes(refusal)) {
      this.state.unexpected.push(`${what}: ${refusal} ${JSON.stringify(outcome.body)}`);
    }
    return undefined;
  }

  private checkoutBody(customer: Customer) {
    const token = this.random.weighted({ tok_visa: 85, tok_declined: 10, tok_timeout: 5 });
    const coupon = this.random.chance(0.3)
      ? this.random.pick(this.state.shop.coupons).code
      : undefined;
    void customer;
    return {
      shippingAddress: address,
      payment: { method: 'card', token },
      ...(coupon ? { couponCode: coupon } : {}),
    };
  }

  private recordOrder(customer: Customer, body: Record<string, unknown>, more: Partial<OrderAck>) {
    const totals = body.totals as { total: Money };
    const ack: OrderAck = {
      kind: 'order',
      orderId: String(body.orderId),
      customerId: customer.id,
      status: body.status as OrderAck['status'],
      ...(typeof body.reason === 'string' ? { reason: body.reason } : {}),
      total: totals.total,
      position: String(body.position),
      ...more,
    };
    this.state.acks.push(ack);
    if (!this.state.orders.has(ack.orderId)) {
      this.state.orders.set(ack.orderId, {
        orderId: ack.orderId,
        customer,
        total: ack.total,
        status: ack.status,
        refunded: 0,
      });
    }
  }

  private async order(): Promise<void> {
    const customer = this.customer();
    const products = [...this.state.shop.productIds];
    const lines = Array.from({ length: this.random.int(1, 3) }, () => ({
      productId: products.splice(this.random.int(0, products.length - 1), 1)[0]!,
      quantity: this.random.int(1, 3),
    }));
    const body = { lines, ...this.checkoutBody(customer) };
    const key = this.key();
    const outcome = await this.http.send({
      method: 'POST',
      path: '/v1/orders',
      token: customer.token,
      body,
      ...(key ? { key } : {}),
    });
    const answer = this.accepted('place order', outcome);
    if (answer) {
      this.recordOrder(customer, answer, {
        ...(body.couponCode ? { couponCode: body.couponCode } : {}),
        ...(key ? { key } : {}),
      });
    }
  }

  private async cart(): Promise<void> {
    const customer = this.customer();
    const token = customer.token;
    const opened = this.accepted(
      'open cart',
      await this.http.send({
        method: 'POST',
        path: '/v1/carts',
        token,
        body: {},
        key: `cart-${this.random.token()}`,
      }),
    );
    if (!opened) return;
    const cartId = String(opened.cartId);
    this.state.acks.push({ kind: 'cart-open', cartId, position: String(opened.position) });
    const products = [...this.state.shop.productIds];
    for (let i = this.random.int(1, 2); i > 0; i--) {
      const productId = products.splice(this.random.int(0, products.length - 1), 1)[0]!;
      const quantity = this.random.int(1, 2);
      const added = this.accepted(
        'add to cart',
        await this.http.send({
          method: 'POST',
          path: `/v1/carts/${cartId}/items`,
          token,
          body: { productId, quantity },
          key: `add-${this.random.token()}`,
        }),
      );
      if (!added) return;
      this.state.acks.push({
        kind: 'cart-add',
        cartId,
        productId,
        quantity,
        position: String(added.position),
      });
    }
    const body = this.checkoutBody(customer);
    const key = this.key();
    const checkout = this.accepted(
      'check out',
      await this.http.send({
        method: 'POST',
        path: `/v1/carts/${cartId}/checkout`,
        token,
        body,
        ...(key ? { key } : {}),
      }),
    );
    if (checkout) {
      this.recordOrder(customer, checkout, {
        cartId,
        ...(body.couponCode ? { couponCode: body.couponCode } : {}),
        ...(key ? { key } : {}),
      });
    }
  }

  /** An order command; acknowledged answers move the order's known status. */
  private async orderCommand(
    kind: 'cancel' | 'ship' | 'deliver' | 'refund',
    statuses: readonly string[],
    asCustomer = false,
  ): Promise<void> {
    const candidates = this.state.ordersIn(statuses);
    if (candidates.length === 0) return this.refresh();
    const order = this.random.pick(candidates);
    const remaining = order.total.amount - order.refunded;
    const amount =
      remaining <= 1 || this.random.chance(0.3) ? remaining : this.random.int(1, remaining - 1);
    const body =
      kind === 'cancel'
        ? { reason: 'changed my mind' }
        : kind === 'ship'
          ? { carrier: 'ChaosPost', trackingNumber: `TRK-${this.random.token()}` }
          : kind === 'refund'
            ? { amount: Math.max(1, amount), reason: 'chaos refund' }
            : {};
    const key = this.key();
    const outcome = await this.http.send({
      method: 'POST',
      path: `/v1/orders/${order.orderId}/${kind}`,
      token: asCustomer ? order.customer.token : this.state.shop.adminToken,
      body,
      ...(key ? { key } : {}),
    });
    const answer = this.accepted(kind, outcome);
    if (!answer) return;
    order.status = String(answer.status);
    const position = String(answer.position);
    if (kind === 'refund') {
      order.refunded += (body as { amount: number }).amount;
      this.state.acks.push({
        kind,
        orderId: order.orderId,
        refundId: String(answer.refundId),
        amount: (body as { amount: number }).amount,
        position,
      });
    } else this.state.acks.push({ kind, orderId: order.orderId, position });
  }

  private cancel() {
    const asCustomer = this.random.chance(0.6);
    return this.orderCommand(
      'cancel',
      asCustomer ? ['pending', 'confirmed'] : ['pending', 'confirmed', 'shipped'],
      asCustomer,
    );
  }

  private ship() {
    return this.orderCommand('ship', ['confirmed']);
  }

  private deliver() {
    return this.orderCommand('deliver', ['shipped']);
  }

  private refund() {
    return this.orderCommand('refund', ['confirmed', 'shipped', 'delivered']);
  }

  private async receive(): Promise<void> {
    const productId = this.random.pick(this.state.shop.productIds);
    const quantity = this.random.int(2, 12);
    const key = this.key();
    const answer = this.accepted(
      'receive',
      await this.http.send({
        method: 'POST',
        path: `/v1/inventory/${productId}/receive`,
        token: this.state.shop.adminToken,
        body: { quantity },
        ...(key ? { key } : {}),
      }),
    );
    if (answer)
      this.state.acks.push({
        kind: 'receive',
        productId,
        quantity,
        position: String(answer.position),
      });
  }

  private async adjust(): Promise<void> {
    const productId = this.random.pick(this.state.shop.productIds);
    const delta = this.random.pick([-4, -3, -2, -1, 1, 2, 3]);
    const key = this.key();
    const answer = this.accepted(
      'adjust',
      await this.http.send({
        method: 'POST',
        path: `/v1/inventory/${productId}/adjust`,
        token: this.state.shop.adminToken,
        body: { delta, reason: 'stock count' },
        ...(key ? { key } : {}),
      }),
    );
    if (answer)
      this.state.acks.push({ kind: 'adjust', productId, delta, position: String(answer.position) });
  }

  /** Learns the current status of a pending order (its decision came after the 202). */
  private async refresh(): Promise<void> {
    const pending = this.state.ordersIn(['pending']);
    if (pending.length === 0) return;
    const order = this.random.pick(pending);
    const outcome = await this.http.send({
      method: 'GET',
      path: `/v1/orders/${order.orderId}`,
      token: order.customer.token,
    });
    const answer = this.accepted('read order', outcome);
    if (answer) order.status = String(answer.status);
  }
}
