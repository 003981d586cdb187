import { SALES, type SalesDayDoc } from '../../../src/projections/sales/sales-doc.js';
import { salesProjection } from '../../../src/projections/sales/sales-projection.js';
import {
  categoryRows,
  productRows,
  salesRows,
} from '../../../src/projections/sales/sales-rollup.js';
import { projectEvents } from '../../support/project-events.js';
import {
  expectedCategories,
  expectedProductTotals,
  expectedSalesRows,
  factsOf,
  isoWeekByOrdinal,
} from './expected-sales.js';
import { shopHistory } from './shop-history.js';

const events = shopHistory(20260301, 400);
const docs = projectEvents(salesProjection, events);
const days = [...docs.entries()]
  .filter(([key]) => key.startsWith(`${SALES}/`))
  .map(([, doc]) => doc as SalesDayDoc);
const daysIn = (from: string, to: string) => days.filter((d) => d.day >= from && d.day <= to);
const { facts, productFacts } = factsOf(events);

const periods = {
  day: (day: string) => day,
  week: isoWeekByOrdinal,
  month: (day: string) => day.slice(0, 7),
};
const ranges: [string, string][] = [
  ['2026-01-01', '2026-12-31'],
  ['2026-02-28', '2026-03-03'],
  ['2026-03-02', '2026-03-02'],
];

describe('sales reports equal the figures computed from the events', () => {
  it('covers the cases that matter', () => {
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect(count('OrderPlaced')).toBe(400);
    expect(count('OrderConfirmed')).toBeGreaterThan(250);
    expect(count('OrderRejected')).toBeGreaterThan(20);
    expect(count('OrderCancelled')).toBeGreaterThan(30);
    expect(count('OrderRefunded')).toBeGreaterThan(30);
    const confirmed = new Set(
      events.filter((e) => e.type === 'OrderConfirmed').map((e) => e.streamId.slice(6)),
    );
    const refunds = events.filter((e) => e.type === 'PaymentRefunded');
    const ignored = refunds.filter((e) => !confirmed.has(e.streamId.slice(8)));
    expect(ignored.length).toBeGreaterThan(5);
    const placedDay = new Map(
      events
        .filter((e) => e.type === 'OrderPlaced')
        .map((e) => [e.streamId.slice(6), String(e.metadata.occurredAt).slice(0, 10)]),
    );
    const overnight = events.filter(
      (e) =>
        e.type === 'OrderConfirmed' &&
        placedDay.get(e.streamId.slice(6)) !== String(e.metadata.occurredAt).slice(0, 10),
    );
    expect(overnight.length).toBeGreaterThan(3);
    expect(new Set(events.map((e) => (e.data as { currency?: string }).currency))).toContain('USD');
    expect(
      events.filter((e) => e.type === 'OrderPlaced' && (e.data as { coupon?: unknown }).coupon)
        .length,
    ).toBeGreaterThan(50);
  });

  describe.each(ranges)('from %s to %s', (from, to) => {
    it.each(['day', 'week', 'month'] as const)('sales by %s', (granularity) => {
      const expected = expectedSalesRows(facts, from, to, periods[granularity]);
      expect(expected.length).toBeGreaterThan(0);
      expect(salesRows(daysIn(from, to), granularity)).toEqual(expected);
    });

    it('top products by revenue and by units', () => {
      const all = expectedProductTotals(productFacts, from, to);
      const by = (first: 'revenue' | 'units', second: 'revenue' | 'units') =>
        [...all].sort(
          (a, b) =>
            b[first] - a[first] ||
            b[second] - a[second] ||
            a.productId.localeCompare(b.productId) ||
            a.currency.localeCompare(b.currency),
        );
      const inRange = daysIn(from, to);
      expect(productRows(inRange, { sort: 'revenue', limit: 100 })).toEqual(by('revenue', 'units'));
      expect(productRows(inRange, { sort: 'units', limit: 5 })).toEqual(
        by('units', 'revenue').slice(0, 5),
      );
      expect(productRows(inRange, { sort: 'revenue', limit: 3, currency: 'USD' })).toEqual(
        by('revenue', 'units')
          .filter((r) => r.currency === 'USD')
          .slice(0, 3),
      );
    });

    it('categories', () => {
      expect(categoryRows(daysIn(from, to))).toEqual(expectedCategories(productFacts, from, to));
    });
  });

  it('weeks and months hold the sum of their days', () => {
    const byDay = salesRows(days, 'day');
    for (const granularity of ['week', 'month'] as const) {
      for (const row of salesRows(days, granularity)) {
        const inside = byDay.filter(
          (d) => d.currency === row.currency && periods[granularity](d.period) === row.period,
        );
        for (const figure of ['orders', 'units', 'gross', 'discounts', 'refunds', 'net'] as const) {
          expect(row[figure]).toBe(inside.reduce((sum, d) => sum + d[figure], 0));
        }
      }
    }
  });

  it('a rebuild in two halves, or with every event delivered twice, gives the same documents', () => {
    const half = Math.floor(events.length / 2);
    const resumed = projectEvents(
      salesProjection,
      events.slice(half),
      projectEvents(salesProjection, events.slice(0, half)),
    );
    expect(resumed).toEqual(docs);
    expect(
      projectEvents(
        salesProjection,
        events.flatMap((e) => [e, e]),
      ),
    ).toEqual(docs);
    expect(projectEvents(salesProjection, [...events, ...events])).toEqual(docs);
  });
});
