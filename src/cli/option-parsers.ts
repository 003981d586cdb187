import { InvalidArgumentError } from 'commander';

/** Parses a whole number within [min, max] for commander. */
export const wholeNumber =
  (min = 0, max = Number.MAX_SAFE_INTEGER) =>
  (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError('Not a whole number.');
    const parsed = Number(value);
    if (parsed < min || parsed > max) {
      throw new InvalidArgumentError(`Must be from ${min} to ${max}.`);
    }
    return parsed;
  };

/** Parses an ISO 8601 time for commander. */
export function instant(value: string): Date {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new InvalidArgumentError('Not a time (use ISO 8601).');
  return new Date(time);
}
