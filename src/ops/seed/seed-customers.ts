import { createHash } from 'node:crypto';
import { hashPassword } from '../../api/auth/passwords.js';
import { normaliseEmail } from '../../api/routes/identity-routes.js';
import { customerAggregate } from '../../commands/customer.js';
import { customerStream } from '../../events/customer.js';
import type { ShippingAddress } from '../../events/order.js';
import { claim } from './seed-catalog.js';
import type { SeedContext } from './seed-context.js';
import { PEOPLE, PLACES } from './shop-data.js';

/** Every demo customer signs in with this password. */
export const DEMO_PASSWORD = 'demo-password';

export interface SeedCustomer {
  readonly customerId: string;
  readonly email: string;
  readonly address: ShippingAddress;
  /** When the customer registers (ms). */
  readonly registersAt: number;
}

/**
 * Plans the customers: about a third register in the first week, the rest
 * over the period, so the customer base grows.
 */
export function planCustomers(
  ctx: SeedContext,
  count: number,
  period: { readonly start: number; readonly end: number },
): SeedCustomer[] {
  const firstWeek = Math.min(7 * 86_400_000, (period.end - period.start) / 4);
  const times = Array.from({ length: count }, (_, i) =>
    i < count / 3
      ? period.start + ctx.random.next() * firstWeek
      : period.start + ctx.random.next() * (period.end - period.start) * 0.9,
  ).sort((a, b) => a - b);
  // Someone is there to place the first day's orders.
  if (times.length > 0) times[0] = period.start;
  return times.map((registersAt, i) => {
    const person = PEOPLE[i % PEOPLE.length] ?? PEOPLE[0]!;
    const round = Math.floor(i / PEOPLE.length);
    const place = ctx.random.pick(PLACES);
    return {
      customerId: ctx.newId(),
      email: `${person.ascii}${round === 0 ? '' : `.${round + 1}`}@example.com`,
      address: {
        name: person.name,
        line1: `${ctx.random.int(1, 180)} ${ctx.random.pick(place.streets)}`,
        city: place.city,
        postalCode: place.postalCode,
        country: place.country,
      },
      registersAt,
    };
  });
}

/** A password hash that is the same for the same seed (its salt is derived from it). */
export const demoPasswordHash = (seed: number): Promise<string> =>
  hashPassword(
    DEMO_PASSWORD,
    createHash('sha256').update(`demo-shop:${seed}`).digest().subarray(0, 16),
  );

/** Claims the email and registers the customer, as POST /v1/auth/register does. */
export async function registerCustomer(
  ctx: SeedContext,
  customer: SeedCustomer,
  passwordHash: string,
): Promise<void> {
  const email = normaliseEmail(customer.email);
  await claim(ctx, 'email', email, customer.customerId, 'EMAIL_TAKEN');
  await ctx.handler.handle(
    customerAggregate,
    customerStream(customer.customerId),
    {
      type: 'Register',
      customerId: customer.customerId,
      email,
      name: customer.address.name,
      passwordHash,
      roles: ['customer'],
      registeredAt: ctx.clock.now().toISOString(),
    },
    { actor: customer.customerId },
  );
  ctx.stats.customers += 1;
}
