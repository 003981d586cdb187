import type { z } from 'zod';
import { AppError } from '../errors.js';

/** Parses a part of the request, or throws a 400 naming every bad field. */
export function parse<S extends z.ZodType>(
  schema: S,
  value: unknown,
  part: 'body' | 'query' | 'params' | 'headers',
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: [part, ...issue.path.map(String), key].join('.'),
          message: 'Unknown field',
        }))
      : [{ path: [part, ...issue.path.map(String)].join('.'), message: issue.message }],
  );
  throw new AppError('VALIDATION_FAILED', `The request ${part} is invalid`, { errors });
}
