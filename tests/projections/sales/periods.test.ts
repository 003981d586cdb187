import fc from 'fast-check';
import { daysBetween, isoWeekOf, periodOf } from '../../../src/projections/sales/periods.js';
import { isUtcDay, utcDayOf } from '../../../src/projections/sales/sales-doc.js';
import { salesRows } from '../../../src/projections/sales/sales-rollup.js';
import { isoWeekByOrdinal } from './expected-sales.js';

describe('report periods', () => {
  it.each([
    ['2020-12-31', '2020-W53'],
    ['2021-01-03', '2020-W53'],
    ['2021-01-04', '2021-W01'],
    ['2024-12-29', '2024-W52'],
    ['2024-12-30', '2025-W01'],
    ['2026-01-01', '2026-W01'],
    ['2026-03-01', '2026-W09'],
    ['2026-03-02', '2026-W10'],
    ['2027-01-03', '2026-W53'],
    ['2027-01-04', '2027-W01'],
  ])('%s is in ISO week %s', (day, week) => {
    expect(isoWeekOf(day)).toBe(week);
    expect(periodOf(day, 'week')).toBe(week);
  });

  it('agrees with the ordinal-date rule on every day of 1999..2031', () => {
    for (let t = Date.UTC(1999, 0, 1); t <= Date.UTC(2031, 11, 31); t += 86_400_000) {
      const day = new Date(t).toISOString().slice(0, 10);
      expect(isoWeekOf(day)).toBe(isoWeekByOrdinal(day));
    }
  });

  it('days and months', () => {
    expect(periodOf('2026-02-28', 'day')).toBe('2026-02-28');
    expect(periodOf('2026-02-28', 'month')).toBe('2026-02');
    expect(daysBetween('2026-02-27', '2026-03-02')).toBe(4);
    expect(daysBetween('2026-03-02', '2026-03-02')).toBe(1);
  });

  it('dates and days of times are UTC', () => {
    expect(utcDayOf('2026-03-01T23:59:59.999Z')).toBe('2026-03-01');
    expect(utcDayOf('2026-03-01T23:30:00.000-01:00')).toBe('2026-03-02');
    expect(() => utcDayOf('yesterday')).toThrow();
    expect(isUtcDay('2024-02-29')).toBe(true);
    expect(isUtcDay('2026-02-29')).toBe(false);
    expect(isUtcDay('2026-3-1')).toBe(false);
    expect(isUtcDay('2026-03-01T00:00:00Z')).toBe(false);
  });

  it('gives every time the day a fresh parse gives, one time after another', () => {
    const fresh = (time: string) => {
      const date = new Date(time);
      return Number.isNaN(date.getTime()) ? 'invalid' : date.toISOString().slice(0, 10);
    };
    const dayOrInvalid = (time: string) => {
      try {
        return utcDayOf(time);
      } catch {
        return 'invalid';
      }
    };
    const pad = (n: number, width = 2) => String(n).padStart(width, '0');
    const time = fc
      .record({
        month: fc.integer({ min: 0, max: 13 }),
        day: fc.integer({ min: 0, max: 32 }),
        hour: fc.integer({ min: 0, max: 25 }),
        minute: fc.integer({ min: 0, max: 61 }),
        second: fc.integer({ min: 0, max: 61 }),
        zone: fc.constantFrom('Z', '.123Z', '.5Z', '+01:00', ''),
      })
      .map(
        ({ month, day, hour, minute, second, zone }) =>
          `2024-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${zone}`,
      );
    fc.assert(
      fc.property(fc.array(time, { maxLength: 8 }), (times) => {
        // Neighbours often share their date, as the log's times do.
        for (const t of times.flatMap((t) => [t.replace(/T\d\d/, 'T23'), t])) {
          expect(dayOrInvalid(t)).toBe(fresh(t));
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('sales rows', () => {
  const bucket = (currency: string, figures: Partial<Record<string, number>>) => ({
    currency,
    orders: 0,
    units: 0,
    gross: 0,
    discounts: 0,
    refunds: 0,
    ...figures,
  });

  it('roll days up into weeks and months, per currency, sorted by period then currency', () => {
    const days = [
      { day: '2026-03-01', totals: [bucket('USD', { orders: 1, units: 1, gross: 1000 })] },
      {
        day: '2026-02-28',
        totals: [
          bucket('EUR', { orders: 2, units: 3, gross: 1001, discounts: 0 }),
          bucket('USD', { refunds: 50 }),
        ],
      },
      {
        day: '2026-03-02',
        totals: [bucket('EUR', { orders: 1, units: 1, gross: 500, refunds: 20 })],
      },
    ];
    expect(salesRows(days, 'week')).toEqual([
      {
        period: '2026-W09',
        currency: 'EUR',
        orders: 2,
        units: 3,
        gross: 1001,
        discounts: 0,
        refunds: 0,
        net: 1001,
        averageOrderValue: 501,
      },
      {
        period: '2026-W09',
        currency: 'USD',
        orders: 1,
        units: 1,
        gross: 1000,
        discounts: 0,
        refunds: 50,
        net: 950,
        averageOrderValue: 1000,
      },
      {
        period: '2026-W10',
        currency: 'EUR',
        orders: 1,
        units: 1,
        gross: 500,
        discounts: 0,
        refunds: 20,
        net: 480,
        averageOrderValue: 500,
      },
    ]);
    expect(salesRows(days, 'month').map((r) => [r.period, r.currency, r.orders])).toEqual([
      ['2026-02', 'EUR', 2],
      ['2026-02', 'USD', 0],
      ['2026-03', 'EUR', 1],
      ['2026-03', 'USD', 1],
    ]);
    expect(salesRows(days, 'month')[1]).toMatchObject({ net: -50, averageOrderValue: 0 });
  });

  it('rounds the average order value half up to a minor unit', () => {
    const aov = (gross: number, discounts: number, orders: number) =>
      salesRows(
        [{ day: '2026-03-01', totals: [bucket('EUR', { gross, discounts, orders })] }],
        'day',
      )[0]?.averageOrderValue;
    expect(aov(1001, 0, 2)).toBe(501);
    expect(aov(1000, 1, 2)).toBe(500);
    expect(aov(1000, 0, 3)).toBe(333);
    expect(aov(1001, 0, 3)).toBe(334);
    expect(aov(0, 0, 0)).toBe(0);
  });
});
