import { AppError } from '../errors.js';

/** An amount in integer minor units (cents) of an ISO 4217 currency. */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

export const money = (amount: number, currency: string): Money => ({ amount, currency });

export const zero = (currency: string): Money => ({ amount: 0, currency });

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new AppError('CURRENCY_MISMATCH', `Cannot combine ${a.currency} with ${b.currency}`);
  }
}

export function add(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { amount: a.amount + b.amount, currency: a.currency };
}

export function subtract(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { amount: a.amount - b.amount, currency: a.currency };
}

export const times = (m: Money, quantity: number): Money => ({
  amount: m.amount * quantity,
  currency: m.currency,
});

/** A whole percentage of an amount, rounded half up to a minor unit. */
export const percentOf = (m: Money, percent: number): Money => ({
  amount: Math.floor((m.amount * percent) / 100 + 0.5),
  currency: m.currency,
});

export const minMoney = (a: Money, b: Money): Money => {
  sameCurrency(a, b);
  return a.amount <= b.amount ? a : b;
};
