import { z } from 'zod';
import { AppError } from '../../errors.js';

/**
 * Query-string building blocks. Every parameter must arrive as one string:
 * a repeated parameter (an array) or anything a parser might have turned
 * into an object (`?category[$ne]=x`) is refused, never passed on to a read
 * store as an operator. Query schemas are strict: unknown parameters -> 400.
 */

/** A whole number in a query string, from `min` to `max`. */
export const wholeNumber = (min: number, max: number, message: string) =>
  z
    .string()
    .regex(/^\d{1,16}$/, message)
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message));

export const MAX_PAGE_SIZE = 100;

/** `?limit=`: 1..100 (the default, 20, is applied by the query). */
export const limitParam = wholeNumber(
  1,
  MAX_PAGE_SIZE,
  `limit is a whole number from 1 to ${MAX_PAGE_SIZE}`,
).describe(`Page size, 1 to ${MAX_PAGE_SIZE} (default 20)`);

/** `?cursor=`: opaque; the query checks that it is one it wrote. */
export const cursorParam = z
  .string()
  .min(1, 'cursor is empty')
  .max(2048, 'cursor is too long')
  .describe('nextCursor of the previous page');

/** A price bound in minor units. */
export const priceParam = (name: string) =>
  wholeNumber(
    0,
    Number.MAX_SAFE_INTEGER,
    `${name} is a whole number of minor units, 0 or more`,
  ).describe('Minor units (1000 = 10.00), inclusive');

export const booleanParam = (name: string) =>
  z.enum(['true', 'false'], `${name} is true or false`).transform((value) => value === 'true');

/** An exact text value (a category). */
export const textParam = (name: string, max = 100) =>
  z.string().min(1, `${name} is empty`).max(max, `${name} has at most ${max} characters`);

/** `minPrice` at most `maxPrice`, when both are given. */
export const priceRange = <T extends { minPrice?: number; maxPrice?: number }>(
  value: T,
  ctx: z.RefinementCtx,
) => {
  if (value.minPrice !== undefined && value.maxPrice !== undefined) {
    if (value.minPrice > value.maxPrice) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxPrice'],
        message: 'maxPrice is at least minPrice',
      });
    }
  }
};

/**
 * Runs a read-model query whose validation errors name bare fields
 * (`limit`, `cursor`, `from`): they are answered as `query.<field>`.
 */
export async function asQuery<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'VALIDATION_FAILED') throw error;
    const errors = (error.details?.errors ?? []) as readonly { path: string; message: string }[];
    throw new AppError('VALIDATION_FAILED', 'The request query is invalid', {
      errors: errors.map(({ path, message }) => ({
        path: path.startsWith('query.') ? path : `query.${path}`,
        message,
      })),
    });
  }
}
