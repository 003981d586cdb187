import { z } from 'zod';

/** Building blocks shared by the request schemas. */
export const id = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only');
export const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR');
export const minorUnits = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const money = z.strictObject({ amount: minorUnits, currency });
export const quantity = z.number().int().min(1).max(1_000_000);
export const text = (max: number) => z.string().trim().min(1).max(max);
export const isoTime = z.iso.datetime({ offset: true });
export const idParams = z.strictObject({ id });

export const commandAnswer = z.object({ position: z.string() });
