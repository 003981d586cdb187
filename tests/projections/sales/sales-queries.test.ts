import { toCsv } from '../../../src/projections/sales/csv.js';
import { salesProjection } from '../../../src/projections/sales/sales-projection.js';
import { salesQueries } from '../../../src/projections/sales/sales-queries.js';
import type { ReadStore } from '../../../src/stores/read-store.js';
import { MemoryReadStore } from '../../support/memory-read-store.js';
import { projectEvents } from '../../support/project-events.js';
import {
  expectedCategories,
  expectedProductTotals,
  expectedSalesRows,
  factsOf,
  isoWeekByOrdinal,
} from './expected-sales.js';
import { shopHistory } from './shop-history.js';

const events = shopHistory(7, 300);
const { facts, productFacts } = factsOf(events);

/** A store holding what the runner would have written for the shop's log. */
async function storeWithShop(): Promise<ReadStore> {
  const store = new MemoryReadStore();
  for (const { name, indexes } of salesProjection.collections) {
    await store.ensureIndexes(name, indexes);
  }
  const docs = projectEvents(salesProjection, events);
  await store.commit(
    salesProjection.name,
    events[events.length - 1]?.position,
    [...docs].map(([key, doc]) => ({ kind: 'put', collection: key.split('/')[0]!, doc })),
  );
  return store;
}

describe('sales queries', () => {
  let store: ReadStore;
  beforeAll(async () => {
    store = await storeWithShop();
  });

  it('reports sales by day, week and month from the stored day buckets', async () => {
    const reports = salesQueries(store);
    const from = '2026-02-27';
    const to = '2026-03-04';
    expect(await reports.salesReport({ from, to, granularity: 'day' })).toEqual(
      expectedSalesRows(facts, from, to, (d) => d),
    );
    expect(await reports.salesReport({ from, to, granularity: 'week' })).toEqual(
      expectedSalesRows(facts, from, to, isoWeekByOrdinal),
    );
    expect(await reports.salesReport({ from, to, granularity: 'month' })).toEqual(
      expectedSalesRows(facts, from, to, (d) => d.slice(0, 7)),
    );
    expect(
      await reports.salesReport({ from: '2025-01-01', to: '2025-12-31', granularity: 'month' }),
    ).toEqual([]);
  });

  it('reports top products and categories', async () => {
    const reports = salesQueries(store);
    const range = { from: '2026-02-25', to: '2026-03-10' };
    const top = await reports.productsReport({ ...range, sort: 'units', limit: 4 });
    const expected = expectedProductTotals(productFacts, range.from, range.to).sort(
      (a, b) =>
        b.units - a.units ||
        b.revenue - a.revenue ||
        a.productId.localeCompare(b.productId) ||
        a.currency.localeCompare(b.currency),
    );
    expect(top).toEqual(expected.slice(0, 4));
    expect(await reports.productsReport(range)).toHaveLength(16);
    expect(await reports.categoriesReport(range)).toEqual(
      expectedCategories(productFacts, range.from, range.to),
    );
  });

  it('refuses malformed ranges and options', async () => {
    const reports = salesQueries(store);
    const refused = async (run: Promise<unknown>, path: string) =>
      expect(run).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { errors: [{ path }] },
      });
    await refused(
      reports.salesReport({ from: '2026-02-30', to: '2026-03-01', granularity: 'day' }),
      'from',
    );
    await refused(
      reports.salesReport({ from: '2026-03-01', to: '03/02/2026', granularity: 'day' }),
      'to',
    );
    await refused(
      reports.salesReport({ from: '2026-03-02', to: '2026-03-01', granularity: 'day' }),
      'to',
    );
    await refused(
      reports.salesReport({ from: '2000-01-01', to: '2026-03-01', granularity: 'day' }),
      'to',
    );
    await refused(
      reports.salesReport({ from: '2026-03-01', to: '2026-03-01', granularity: 'year' as 'day' }),
      'granularity',
    );
    const range = { from: '2026-03-01', to: '2026-03-02' };
    await refused(reports.productsReport({ ...range, sort: 'name' as 'units' }), 'sort');
    await refused(reports.productsReport({ ...range, limit: 0 }), 'limit');
    await refused(reports.productsReport({ ...range, limit: 101 }), 'limit');
    await refused(reports.categoriesReport({ from: 'today', to: '2026-03-02' }), 'from');
  });

  it('answers a report as CSV', async () => {
    const rows = await salesQueries(store).salesReport({
      from: '2026-03-01',
      to: '2026-03-31',
      granularity: 'month',
    });
    const csv = toCsv(rows, [
      'period',
      'currency',
      'orders',
      'units',
      'gross',
      'discounts',
      'refunds',
      'net',
      'averageOrderValue',
    ]);
    const [header, ...records] = csv.split('\r\n');
    expect(header).toBe(
      'period,currency,orders,units,gross,discounts,refunds,net,averageOrderValue',
    );
    expect(records.pop()).toBe('');
    expect(records).toEqual(rows.map((r) => Object.values(r).join(',')));
  });
});
