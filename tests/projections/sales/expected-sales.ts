import type { Money } from '../../../src/events/money.js';
import type { OrderPlaced } from '../../../src/events/order.js';
import type { RecordedEvent } from '../../../src/stores/event-store.js';

/**
 * Report figures computed straight from a log, without the projection's
 * buckets or state machine: the reference the reports are checked against.
 */
export interface Fact {
  readonly day: string;
  readonly currency: string;
  readonly orders: number;
  readonly units: number;
  readonly gross: number;
  readonly discounts: number;
  readonly refunds: number;
}

export interface ProductFact {
  readonly day: string;
  readonly productId: string;
  readonly currency: string;
  readonly units: number;
  readonly revenue: number;
  /** Name and category when the order was placed. */
  readonly name: string;
  readonly category: string;
}

export function factsOf(events: readonly RecordedEvent[]) {
  const catalogue = new Map<string, { name: string; category: string }>();
  const placed = new Map<
    string,
    { order: OrderPlaced['data']; snapshot: Map<string, { name: string; category: string }> }
  >();
  const confirmed = new Set<string>();
  const facts: Fact[] = [];
  const productFacts: ProductFact[] = [];
  const noFigures = { orders: 0, units: 0, gross: 0, discounts: 0, refunds: 0 };
  for (const event of events) {
    const day = String(event.metadata.occurredAt).slice(0, 10);
    const data = event.data as Record<string, unknown>;
    switch (event.type) {
      case 'ProductCreated':
      case 'ProductUpdated': {
        const id = data.productId as string;
        const known = catalogue.get(id);
        catalogue.set(id, {
          name: (data.name as string | undefined) ?? known!.name,
          category: (data.category as string | undefined) ?? known!.category,
        });
        break;
      }
      case 'OrderPlaced': {
        const order = event.data as OrderPlaced['data'];
        const snapshot = new Map(
          order.lines.map((l) => [l.productId, catalogue.get(l.productId)!]),
        );
        placed.set(order.orderId, { order, snapshot });
        break;
      }
      case 'OrderConfirmed': {
        const { order, snapshot } = placed.get(data.orderId as string)!;
        confirmed.add(order.orderId);
        facts.push({
          ...noFigures,
          day,
          currency: order.currency,
          orders: 1,
          units: order.lines.reduce((sum, l) => sum + l.quantity, 0),
          gross: order.lines.reduce((sum, l) => sum + l.lineTotal.amount, 0),
          discounts: order.totals.discount.amount,
        });
        for (const l of order.lines) {
          productFacts.push({
            day,
            productId: l.productId,
            currency: order.currency,
            units: l.quantity,
            revenue: l.lineTotal.amount,
            ...snapshot.get(l.productId)!,
          });
        }
        break;
      }
      case 'PaymentRefunded': {
        if (!confirmed.has(data.orderId as string)) break;
        const amount = data.amount as Money;
        facts.push({ ...noFigures, day, currency: amount.currency, refunds: amount.amount });
        break;
      }
    }
  }
  return { facts, productFacts };
}

/** ISO week by the ordinal-date rule, a different route from the one the reports take. */
export function isoWeekByOrdinal(day: string): string {
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  const ordinal = (Date.UTC(y, mo - 1, d) - Date.UTC(y, 0, 1)) / 86_400_000 + 1;
  const weekday = new Date(Date.UTC(y, mo - 1, d)).getUTCDay() || 7;
  const p = (year: number) =>
    (year + Math.floor(year / 4) - Math.floor(year / 100) + Math.floor(year / 400)) % 7;
  const weeksIn = (year: number) => (p(year) === 4 || p(year - 1) === 3 ? 53 : 52);
  const week = Math.floor((ordinal - weekday + 10) / 7);
  const pad = (w: number) => String(w).padStart(2, '0');
  if (week < 1) return `${y - 1}-W${pad(weeksIn(y - 1))}`;
  if (week > weeksIn(y)) return `${y + 1}-W01`;
  return `${y}-W${pad(week)}`;
}

export function expectedSalesRows(
  facts: readonly Fact[],
  from: string,
  to: string,
  period: (day: string) => string,
) {
  const rows = new Map<string, Fact & { period: string }>();
  for (const f of facts.filter((f) => f.day >= from && f.day <= to)) {
    const key = `${period(f.day)} ${f.currency}`;
    const r = rows.get(key) ?? {
      period: period(f.day),
      day: '',
      currency: f.currency,
      orders: 0,
      units: 0,
      gross: 0,
      discounts: 0,
      refunds: 0,
    };
    rows.set(key, {
      ...r,
      orders: r.orders + f.orders,
      units: r.units + f.units,
      gross: r.gross + f.gross,
      discounts: r.discounts + f.discounts,
      refunds: r.refunds + f.refunds,
    });
  }
  return [...rows.keys()].sort().map((key) => {
    const { period: p, currency, orders, units, gross, discounts, refunds } = rows.get(key)!;
    return {
      period: p,
      currency,
      orders,
      units,
      gross,
      discounts,
      refunds,
      net: gross - discounts - refunds,
      averageOrderValue: orders ? Math.round((gross - discounts) / orders) : 0,
    };
  });
}

export function expectedProductTotals(facts: readonly ProductFact[], from: string, to: string) {
  const rows = new Map<string, Omit<ProductFact, 'day'>>();
  for (const { day: _, ...f } of facts.filter((f) => f.day >= from && f.day <= to)) {
    const key = `${f.productId} ${f.currency}`;
    const r = rows.get(key);
    // The latest confirmed order names the product and its category.
    rows.set(key, {
      ...f,
      units: (r?.units ?? 0) + f.units,
      revenue: (r?.revenue ?? 0) + f.revenue,
    });
  }
  return [...rows.values()];
}

export function expectedCategories(facts: readonly ProductFact[], from: string, to: string) {
  const rows = new Map<
    string,
    { category: string; currency: string; units: number; revenue: number }
  >();
  for (const f of facts.filter((f) => f.day >= from && f.day <= to)) {
    const key = `${f.category} ${f.currency}`;
    const r = rows.get(key) ?? { category: f.category, currency: f.currency, units: 0, revenue: 0 };
    rows.set(key, { ...r, units: r.units + f.units, revenue: r.revenue + f.revenue });
  }
  return [...rows.keys()].sort().map((key) => rows.get(key)!);
}
