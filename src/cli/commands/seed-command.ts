import type { Command } from 'commander';
import { seedOptions } from '../../ops/seed/seed-options.js';
import { seedShop } from '../../ops/seed/seed-shop.js';
import { withEventStore } from '../cli-stores.js';
import { wholeNumber } from '../option-parsers.js';
import { withProgress } from '../progress-display.js';
import { printJson, writeOut } from '../render.js';

interface SeedFlags {
  readonly seed?: number;
  readonly customers?: number;
  readonly products?: number;
  readonly months?: number;
  readonly orders?: number;
  readonly until?: string;
  readonly json?: boolean;
}

export function seedCommand(program: Command): void {
  program
    .command('seed')
    .description(
      'build a demo shop through the command side: catalog, stock, customers, coupons and months of orders, shipments, refunds and reviews (the same seed and options write the same log)',
    )
    .option('--seed <n>', 'random seed', wholeNumber(0, 0xffffffff))
    .option('--customers <n>', 'customers (default 150)', wholeNumber(1))
    .option('--products <n>', 'products (default 80)', wholeNumber(1))
    .option('--months <n>', 'months of history (default 6)', wholeNumber(1))
    .option('--orders <n>', 'orders over the whole period (default 1000)', wholeNumber(1))
    .option('--until <time>', 'when the history ends (ISO 8601; default: start of today, UTC)')
    .option('--json', 'print the summary as JSON')
    .action(async (flags: SeedFlags) => {
      const { json, ...given } = flags;
      const options = seedOptions(
        Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
      );
      const result = await withEventStore(({ eventStore, snapshots }) =>
        withProgress('seed', (onProgress) =>
          seedShop(
            { eventStore, ...(snapshots ? { snapshots } : {}), saveCheckpoint: true },
            options,
            onProgress,
          ),
        ),
      );
      if (json) return printJson(result);
      const rejected = Object.entries(result.rejected)
        .map(([reason, n]) => `${n} ${reason}`)
        .join(', ');
      writeOut(
        [
          `Seeded a demo shop (seed ${result.seed}) from ${result.from} to ${result.until}: ${result.events} events`,
          `  ${result.products} products, ${result.customers} customers, ${result.coupons} coupons`,
          `  ${result.ordersPlaced} orders: ${result.confirmed} confirmed, rejected ${rejected || 'none'}`,
          `  ${result.shipped} shipped, ${result.delivered} delivered, ${result.cancelled} cancelled, ${result.refunds} refunded, ${result.partialRefunds} partly refunded`,
          `  ${result.couponOrders} orders with a coupon, ${result.reviews} reviews`,
          `Customers sign in with their email and the password "${result.demoPassword}".`,
        ].join('\n'),
      );
    });
}
