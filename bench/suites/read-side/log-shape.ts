import type { LogShape } from './commerce-log.js';

/** Roughly what one order adds to the log (placement to delivery, reviews, refunds). */
const EVENTS_PER_ORDER = 11.3;
const DAYS = 180;

/**
 * The seeded shop whose log the read-side suites generate: `events` events
 * (50,000 quick, 1,000,000 full), set up, then half a year of orders.
 */
export function generatedShopShape(quick: boolean): { events: number; shape: LogShape } {
  const events = quick ? 50_000 : 1_000_000;
  const products = quick ? 1_000 : 10_000;
  const customers = quick ? 2_000 : 20_000;
  const setup = 2 * (products + customers);
  return {
    events,
    shape: {
      seed: 20_260_101,
      products,
      customers,
      ordersPerDay: Math.round((events - setup) / EVENTS_PER_ORDER / DAYS),
      start: '2026-01-01',
      productSkew: 0.8,
    },
  };
}
