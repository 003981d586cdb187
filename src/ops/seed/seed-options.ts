import { z } from 'zod';
import { AppError } from '../../errors.js';

const count = (max: number) => z.number().int().min(1).max(max);

/** The seed's options; the CLI and `POST /v1/ops/seed` take the same ones. */
export const seedOptionsSchema = z.strictObject({
  /** The same seed (and the same other options) writes the same log. */
  seed: z.number().int().min(0).max(0xffffffff).default(1),
  customers: count(100_000).default(150),
  products: count(10_000).default(80),
  months: count(60).default(6),
  /** Orders placed over the whole period. */
  orders: count(1_000_000).default(1000),
  /** When the simulated history ends (ISO 8601); defaults to the start of today, UTC. */
  until: z.iso.datetime({ offset: true }).optional(),
});

export type SeedOptionsInput = z.input<typeof seedOptionsSchema>;

export interface SeedOptions {
  readonly seed: number;
  readonly customers: number;
  readonly products: number;
  readonly months: number;
  readonly orders: number;
  readonly until: Date;
}

export function seedOptions(input: SeedOptionsInput, now = new Date()): SeedOptions {
  const result = seedOptionsSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new AppError('VALIDATION_FAILED', `Invalid seed options: ${problems.join('; ')}`);
  }
  const parsed = result.data;
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return {
    ...parsed,
    until: parsed.until === undefined ? new Date(today) : new Date(parsed.until),
  };
}
