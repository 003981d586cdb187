import type { EventMetadata } from '../../../src/events/envelope.js';
import type { Money } from '../../../src/events/money.js';
import type { OrderLine, RejectionReason } from '../../../src/events/order.js';
import {
  generateCustomer,
  generateProduct,
  type Customer,
  type GeneratedProduct,
} from './product-data.js';
import { Random, uuidV7, Zipf } from './random.js';

/**
 * A shop's event log, simulated day by day: products and customers first,
 * then orders going through the fulfilment process (reserve every line,
 * capture, commit, confirm; or reject for stock or payment, or cancel), then
 * shipping, delivery, refunds and reviews days later. Every event carries the
 * metadata the command handler writes, and `occurredAt` moves through the
 * months simulated. Events come out in time order, so every event of the log
 * follows the events that caused it, across streams, as in the engine's log.
 */

export interface LogShape {
  readonly seed: number;
  readonly products: number;
  readonly customers: number;
  /** Orders placed on an average day (weekends get more). */
  readonly ordersPerDay: number;
  /** The first day of orders (UTC, `YYYY-MM-DD`); products and customers appear in the 60 days before. */
  readonly start: string;
  /** How strongly sales concentrate on popular products (Zipf exponent). */
  readonly productSkew: number;
  /** Stop placing orders after this many; the days then run until every order has settled. */
  readonly maxOrders?: number;
}

export interface LogEvent {
  readonly streamId: string;
  /** When it happened (ms since the epoch): `metadata.occurredAt`. */
  readonly at: number;
  /** Creation order, which breaks ties of `at`. */
  readonly seq: number;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly metadata: EventMetadata;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const SETUP_DAYS = 60;
const FULFILMENT = 'system:order-fulfilment';
const RESERVATION_TTL_MS = 15 * 60_000;
const RESTOCK_BELOW = 20;
const WEEKDAY_FACTOR = [1.2, 0.9, 0.9, 0.95, 1.0, 1.1, 1.3];

interface ProductState {
  readonly product: GeneratedProduct;
  price: Money;
  onHand: number;
  available: number;
  /** Units committed less units returned. */
  sold: number;
  discontinued: boolean;
}

/** A product's stock once every order has settled (no reservation held). */
export interface FinalStock {
  readonly productId: string;
  readonly onHand: number;
  readonly available: number;
  readonly unitsSold: number;
}

/** Who caused an event: the chain it belongs to and its immediate cause. */
interface Cause {
  readonly actor: string;
  readonly correlationId: string;
  causationId: string;
}

export class CommerceSimulation {
  readonly startMs: number;
  /** Decides what happens; `ids` makes the ids and opaque strings, so skipping events changes nothing else. */
  private readonly random: Random;
  private readonly ids: Random;
  private readonly products: ProductState[] = [];
  private readonly customers: Customer[] = [];
  private readonly productPicker: Zipf;
  private readonly customerPicker: Zipf;
  private readonly staff: string[];
  private readonly pending = new Map<number, LogEvent[]>();
  private readonly setupEvents: LogEvent[] = [];
  private readonly reviewed = new Set<string>();
  private readonly lowStock = new Set<number>();
  private seq = 0;
  private ordersPlaced = 0;

  /** `keep`: the event types to produce (all when absent); others are simulated but not built. */
  constructor(
    readonly shape: LogShape,
    private readonly keep?: ReadonlySet<string>,
  ) {
    this.startMs = Date.parse(`${shape.start}T00:00:00.000Z`);
    this.random = new Random(shape.seed);
    this.ids = new Random(shape.seed ^ 0x5eed_1d5);
    this.productPicker = new Zipf(shape.products, shape.productSkew);
    this.customerPicker = new Zipf(shape.customers, 0.6);
    this.staff = Array.from({ length: 8 }, () => uuidV7(this.startMs - 400 * DAY_MS, this.random));
  }

  /**
   * The setup (products, stock, customers), then one batch per simulated day,
   * in time order; endless unless `maxOrders` is set.
   */
  *days(): Generator<LogEvent[]> {
    this.setup();
    yield sortByTime(this.setupEvents.splice(0));
    for (let day = 0; ; day++) {
      this.simulateDay(day);
      const events = this.pending.get(day) ?? [];
      this.pending.delete(day);
      yield sortByTime(events);
      if (this.ordersDone && this.pending.size === 0) return;
    }
  }

  /** Every product's stock (exact once `days()` has ended: nothing is reserved then). */
  finalStock(): FinalStock[] {
    return this.products.map(({ product, onHand, available, sold }) => ({
      productId: product.productId,
      onHand,
      available,
      unitsSold: sold,
    }));
  }

  /** Orders placed so far. */
  get orders(): number {
    return this.ordersPlaced;
  }

  private get ordersDone(): boolean {
    return this.shape.maxOrders !== undefined && this.ordersPlaced >= this.shape.maxOrders;
  }

  /** The simulated products and customers (after `days()` has started). */
  get catalog(): readonly GeneratedProduct[] {
    return this.products.map((p) => p.product);
  }

  get customerIds(): readonly string[] {
    return this.customers.map((c) => c.customerId);
  }

  private setup(): void {
    const from = this.startMs - SETUP_DAYS * DAY_MS;
    for (let i = 0; i < this.shape.products; i++) {
      const at = from + this.random.int(SETUP_DAYS * DAY_MS - 2 * HOUR_MS);
      const productId = uuidV7(at, this.random);
      const product = generateProduct(this.random, productId, i);
      const stock = this.random.between(100, 1_000);
      this.products.push({
        product,
        price: product.price,
        onHand: stock,
        available: stock,
        sold: 0,
        discontinued: false,
      });
      const cause = this.staffCause(at);
      this.emit(`product-${productId}`, at, 'ProductCreated', () => ({ ...product }), cause);
      this.emit(
        `inventory-${productId}`,
        at + this.random.between(60_000, HOUR_MS),
        'StockReceived',
        () => ({ productId, quantity: stock }),
        this.staffCause(at),
      );
    }
    for (let i = 0; i < this.shape.customers; i++) {
      const at = from + this.random.int(SETUP_DAYS * DAY_MS);
      const customerId = uuidV7(at, this.random);
      const customer = generateCustomer(this.random, customerId, i);
      this.customers.push(customer);
      const cause: Cause = {
        actor: customerId,
        correlationId: uuidV7(at, this.random),
        causationId: '',
      };
      cause.causationId = cause.correlationId;
      const registeredAt = new Date(at).toISOString();
      this.emit(
        `customer-${customerId}`,
        at,
        'CustomerRegistered',
        () => ({
          customerId,
          email: customer.email,
          name: customer.name,
          roles: ['customer'],
          registeredAt,
        }),
        cause,
      );
      this.emit(
        `customer-${customerId}`,
        at,
        'PasswordSet',
        () => ({
          customerId,
          passwordHash: `scrypt$16384$8$1$${this.ids.hex(32)}$${this.ids.hex(64)}`,
        }),
        cause,
      );
    }
  }

  private simulateDay(day: number): void {
    const dayStart = this.startMs + day * DAY_MS;
    this.restock(dayStart);
    this.catalogChanges(dayStart);
    const weekday = new Date(dayStart).getUTCDay();
    const expected = this.shape.ordersPerDay * (WEEKDAY_FACTOR[weekday] ?? 1);
    const count = Math.max(0, Math.round(expected * (0.9 + 0.2 * this.random.next())));
    const times = Array.from({ length: count }, () => dayStart + this.random.int(DAY_MS - 60_000));
    times.sort((a, b) => a - b);
    for (const at of times) this.placeOrder(at);
  }

  /** Products that ran low get a delivery in the morning. */
  private restock(dayStart: number): void {
    for (const index of this.lowStock) {
      const state = this.products[index];
      if (!state) continue;
      const quantity = this.random.between(200, 1_500);
      state.onHand += quantity;
      state.available += quantity;
      const at = dayStart + 6 * HOUR_MS + this.random.int(4 * HOUR_MS);
      const { productId } = state.product;
      this.emit(
        `inventory-${productId}`,
        at,
        'StockReceived',
        () => ({ productId, quantity }),
        this.staffCause(at),
      );
    }
    this.lowStock.clear();
  }

  /** A few price changes, text edits and discontinuations a day. */
  private catalogChanges(dayStart: number): void {
    const n = this.shape.products;
    const changes = Math.round(n * 0.002) + (this.random.chance((n * 0.002) % 1) ? 1 : 0);
    for (let i = 0; i < changes; i++) {
      const state = this.products[this.random.int(n)];
      if (!state || state.discontinued) continue;
      const at = dayStart + 8 * HOUR_MS + this.random.int(10 * HOUR_MS);
      const { productId } = state.product;
      const stream = `product-${productId}`;
      const roll = this.random.next();
      if (roll < 0.7) {
        const previous = state.price;
        const amount = Math.max(99, Math.round(previous.amount * (0.8 + 0.4 * this.random.next())));
        state.price = { amount, currency: previous.currency };
        this.emit(
          stream,
          at,
          'PriceChanged',
          () => ({ productId, price: state.price, previous }),
          this.staffCause(at),
        );
      } else if (roll < 0.97) {
        const description = `${state.product.description} ${this.random.pick(['now', 'new', 'improved', 'updated'])} ${this.random.pick(['edition', 'version', 'design'])}`;
        this.emit(
          stream,
          at,
          'ProductUpdated',
          () => ({ productId, description }),
          this.staffCause(at),
        );
      } else {
        state.discontinued = true;
        this.emit(stream, at, 'ProductDiscontinued', () => ({ productId }), this.staffCause(at));
      }
    }
  }

  private pickLines(): { state: ProductState; index: number; quantity: number }[] {
    const wanted = 1 + this.random.weighted([50, 28, 14, 8]);
    const lines: { state: ProductState; index: number; quantity: number }[] = [];
    let currency: string | undefined;
    for (let tries = 0; lines.length < wanted && tries < wanted * 6; tries++) {
      const index = this.productPicker.sample(this.random);
      const state = this.products[index];
      if (!state || state.discontinued) continue;
      if (currency !== undefined && state.price.currency !== currency) continue;
      if (lines.some((l) => l.index === index)) continue;
      currency = state.price.currency;
      lines.push({ state, index, quantity: 1 + this.random.weighted([70, 20, 10]) });
    }
    return lines;
  }

  private placeOrder(placedAtMs: number): void {
    if (this.ordersDone) return;
    const picked = this.pickLines();
    const first = picked[0];
    if (!first) return;
    const customer = this.customers[this.customerPicker.sample(this.random)];
    if (!customer) return;
    const { customerId } = customer;
    this.ordersPlaced++;
    const currency = first.state.price.currency;
    const orderId = uuidV7(placedAtMs, this.random);
    const orderStream = `order-${orderId}`;
    const lines: OrderLine[] = picked.map(({ state, quantity }) => ({
      productId: state.product.productId,
      sku: state.product.sku,
      name: state.product.name,
      quantity,
      unitPrice: state.price,
      lineTotal: { amount: state.price.amount * quantity, currency },
    }));
    const subtotal = lines.reduce((sum, l) => sum + l.lineTotal.amount, 0);
    const coupon = this.random.chance(0.08);
    const discount = coupon ? Math.floor(subtotal * 0.1 + 0.5) : 0;
    const total = subtotal - discount;
    const money = (amount: number): Money => ({ amount, currency });
    const cause: Cause = {
      actor: customerId,
      correlationId: uuidV7(placedAtMs, this.random),
      causationId: '',
    };
    cause.causationId = cause.correlationId;
    const placedAt = iso(placedAtMs);
    let clock = placedAtMs;
    const tick = (min: number, max: number) => (clock += this.random.between(min, max));

    this.emit(
      orderStream,
      clock,
      'OrderPlaced',
      () => ({
        orderId,
        customerId,
        placedAt,
        lines,
        currency,
        totals: { subtotal: money(subtotal), discount: money(discount), total: money(total) },
        ...(coupon && {
          coupon: { code: 'WELCOME10', promotionId: '01890000-0000-7000-8000-00000000c0de' },
        }),
        shippingAddress: customer.address,
        payment: { method: 'card', token: 'tok_visa' },
      }),
      cause,
      true,
    );
    const system: Cause = { ...cause, actor: FULFILMENT };

    // Reserve every line (concurrently in the process: one after the other here).
    const expiresAt = iso(placedAtMs + RESERVATION_TTL_MS);
    const short = picked.find(({ state, quantity }) => state.available < quantity);
    const reserved: typeof picked = [];
    for (const line of picked) {
      const { productId } = line.state.product;
      const stream = `inventory-${productId}`;
      if (short && line === short) {
        const available = Math.max(0, line.state.available);
        this.emit(
          stream,
          tick(5, 40),
          'StockReservationFailed',
          () => ({ productId, reservationId: orderId, requested: line.quantity, available }),
          system,
        );
        this.lowStock.add(line.index);
        continue;
      }
      line.state.available -= line.quantity;
      if (line.state.available < RESTOCK_BELOW) this.lowStock.add(line.index);
      reserved.push(line);
      this.emit(
        stream,
        tick(5, 40),
        'StockReserved',
        () => ({ productId, reservationId: orderId, quantity: line.quantity, expiresAt }),
        system,
      );
    }
    const release = (reason: string) => {
      for (const line of reserved) {
        line.state.available += line.quantity;
        const { productId } = line.state.product;
        this.emit(
          `inventory-${productId}`,
          tick(5, 40),
          'ReservationReleased',
          () => ({ productId, reservationId: orderId, quantity: line.quantity, reason }),
          system,
        );
      }
    };
    const reject = (reason: RejectionReason) => {
      const rejectedAt = tick(5, 40);
      this.emit(
        orderStream,
        rejectedAt,
        'OrderRejected',
        () => ({ orderId, reason, rejectedAt: iso(rejectedAt) }),
        system,
      );
      release('ORDER_REJECTED');
    };
    if (short) return reject('OUT_OF_STOCK');

    if (this.random.chance(0.01)) {
      // The customer changed their mind before payment went through.
      const cancelledAt = tick(100, 900);
      this.emit(
        orderStream,
        cancelledAt,
        'OrderCancelled',
        () => ({
          orderId,
          by: 'customer',
          reason: 'changed my mind',
          cancelledAt: iso(cancelledAt),
          wasConfirmed: false,
          refundDue: money(0),
        }),
        cause,
      );
      return release('ORDER_CANCELLED');
    }

    const paymentStream = `payment-${orderId}`;
    const gatewayRef = `ch_${this.random.hex(24)}`;
    if (this.random.chance(0.03)) {
      const at = tick(150, 900);
      this.emit(
        paymentStream,
        at,
        'PaymentDeclined',
        () => ({ orderId, amount: money(total), reason: 'card_declined', at: iso(at) }),
        system,
      );
      return reject('PAYMENT_DECLINED');
    }
    const capturedAt = tick(150, 900);
    this.emit(
      paymentStream,
      capturedAt,
      'PaymentCaptured',
      () => ({ orderId, amount: money(total), gatewayRef, at: iso(capturedAt) }),
      system,
    );
    for (const line of picked) {
      line.state.onHand -= line.quantity;
      line.state.sold += line.quantity;
      const { productId } = line.state.product;
      this.emit(
        `inventory-${productId}`,
        tick(5, 40),
        'ReservationCommitted',
        () => ({ productId, reservationId: orderId, quantity: line.quantity }),
        system,
      );
    }
    const confirmedAt = tick(5, 40);
    this.emit(
      orderStream,
      confirmedAt,
      'OrderConfirmed',
      () => ({ orderId, confirmedAt: iso(confirmedAt) }),
      system,
    );

    if (this.random.chance(0.025)) {
      // Cancelled after confirmation, before shipping: stock back, money back.
      const at = confirmedAt + this.random.between(HOUR_MS, 20 * HOUR_MS);
      const by = this.random.chance(0.7) ? 'customer' : 'admin';
      const admin: Cause = {
        ...cause,
        actor: by === 'customer' ? customerId : this.random.pick(this.staff),
      };
      this.emit(
        orderStream,
        at,
        'OrderCancelled',
        () => ({
          orderId,
          by,
          reason: 'no longer needed',
          cancelledAt: iso(at),
          wasConfirmed: true,
          refundDue: money(total),
        }),
        admin,
      );
      let after = at;
      for (const line of picked) {
        line.state.onHand += line.quantity;
        line.state.available += line.quantity;
        line.state.sold -= line.quantity;
        const { productId } = line.state.product;
        after += this.random.between(5, 40);
        this.emit(
          `inventory-${productId}`,
          after,
          'StockReturned',
          () => ({ productId, reservationId: orderId, quantity: line.quantity }),
          system,
        );
      }
      after += this.random.between(150, 900);
      this.emit(
        paymentStream,
        after,
        'PaymentRefunded',
        () => ({
          orderId,
          refundId: `${orderId}:ORDER_CANCELLED`,
          amount: money(total),
          gatewayRef: `re_${this.ids.hex(24)}`,
          at: iso(after),
        }),
        system,
      );
      return;
    }

    const shippedAt = confirmedAt + this.random.between(12 * HOUR_MS, 3 * DAY_MS);
    const ops: Cause = { ...cause, actor: this.random.pick(this.staff) };
    const carrier = this.random.pick(['DHL', 'UPS', 'GLS', 'DPD', 'PostNL']);
    const trackingNumber = `${carrier.slice(0, 2)}${this.random.hex(16).toUpperCase()}`;
    this.emit(
      orderStream,
      shippedAt,
      'OrderShipped',
      () => ({ orderId, carrier, trackingNumber, shippedAt: iso(shippedAt) }),
      ops,
    );
    const deliveredAt = shippedAt + this.random.between(18 * HOUR_MS, 4 * DAY_MS);
    this.emit(
      orderStream,
      deliveredAt,
      'OrderDelivered',
      () => ({ orderId, deliveredAt: iso(deliveredAt) }),
      ops,
    );
    const productIds = lines.map((l) => l.productId);
    this.emit(
      `purchases-${customerId}`,
      deliveredAt + this.random.between(20, 300),
      'ProductsDelivered',
      () => ({ customerId, orderId, productIds }),
      system,
    );

    if (this.random.chance(0.04)) {
      const full = this.random.chance(0.4);
      const amount = full ? total : Math.min(total, lines[0]?.lineTotal.amount ?? total);
      const refundedAt = deliveredAt + this.random.between(DAY_MS, 10 * DAY_MS);
      const refundId = uuidV7(refundedAt, this.random);
      const admin: Cause = { ...cause, actor: this.random.pick(this.staff) };
      this.emit(
        orderStream,
        refundedAt,
        'OrderRefunded',
        () => ({
          orderId,
          refundId,
          amount: money(amount),
          reason: full ? 'returned' : 'damaged item',
          refundedAt: iso(refundedAt),
          refundedTotal: money(amount),
          full: amount >= total,
        }),
        admin,
      );
      const paidAt = refundedAt + this.random.between(150, 900);
      this.emit(
        paymentStream,
        paidAt,
        'PaymentRefunded',
        () => ({
          orderId,
          refundId,
          amount: money(amount),
          gatewayRef: `re_${this.ids.hex(24)}`,
          at: iso(paidAt),
        }),
        system,
      );
    }

    for (const line of lines) {
      if (!this.random.chance(0.12)) continue;
      const pair = `${line.productId}-${customerId}`;
      if (this.reviewed.has(pair)) continue;
      this.reviewed.add(pair);
      const at = deliveredAt + this.random.between(HOUR_MS, 14 * DAY_MS);
      const rating = 1 + this.random.weighted([5, 5, 12, 33, 45]);
      const reviewer: Cause = {
        actor: customerId,
        correlationId: uuidV7(at, this.random),
        causationId: '',
      };
      reviewer.causationId = reviewer.correlationId;
      this.emit(
        `review-${pair}`,
        at,
        'ReviewSubmitted',
        () => ({
          reviewId: uuidV7(at, this.ids),
          productId: line.productId,
          customerId,
          rating,
          title: rating >= 4 ? 'Great value' : 'Not as described',
          body: 'Arrived on time and matches the description; would buy again from this shop.',
          submittedAt: iso(at),
        }),
        reviewer,
      );
    }
  }

  private staffCause(at: number): Cause {
    const correlationId = uuidV7(at, this.random);
    return { actor: this.random.pick(this.staff), correlationId, causationId: correlationId };
  }

  /** Schedules an event on its day; `cause.causationId` moves on to it (the next step's cause). */
  private emit(
    streamId: string,
    at: number,
    type: string,
    data: () => Readonly<Record<string, unknown>>,
    cause: Cause,
    idempotent = false,
  ): void {
    if (this.keep && !this.keep.has(type)) return;
    const eventId = uuidV7(at, this.ids);
    const event: LogEvent = {
      streamId,
      at,
      seq: this.seq++,
      type,
      data: data(),
      metadata: {
        eventId,
        correlationId: cause.correlationId,
        causationId: cause.causationId,
        actor: cause.actor,
        occurredAt: iso(at),
        schemaVersion: 1,
        ...(idempotent && { idempotencyKey: cause.correlationId }),
      },
    };
    cause.causationId = eventId;
    if (at < this.startMs) {
      this.setupEvents.push(event);
      return;
    }
    const day = Math.floor((at - this.startMs) / DAY_MS);
    const bucket = this.pending.get(day);
    if (bucket) bucket.push(event);
    else this.pending.set(day, [event]);
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

const sortByTime = (events: LogEvent[]): LogEvent[] =>
  events.sort((a, b) => a.at - b.at || a.seq - b.seq);
