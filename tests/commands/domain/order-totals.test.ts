import {
  computeTotals,
  discountFor,
  mergeLines,
  orderCurrency,
  priceLines,
  type CouponTerms,
  type RequestedLine,
} from '../../../src/commands/order-totals.js';

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const line = (productId: string, quantity: number, unitPrice = eur(1000)): RequestedLine => ({
  productId,
  quantity,
  unitPrice,
  name: `Product ${productId}`,
  sku: `SKU-${productId}`,
});
const percent = (value: number, minSubtotal?: number): CouponTerms => ({
  code: 'SAVE',
  promotionId: 'promo-1',
  kind: 'percent',
  value,
  ...(minSubtotal === undefined ? {} : { minSubtotal: eur(minSubtotal) }),
});
const fixed = (value: number): CouponTerms => ({ ...percent(0), kind: 'fixed', value });

const rejects = (run: () => unknown, code: string) => {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toMatchObject({ code });
};

describe('order totals', () => {
  describe('priceLines', () => {
    it('merges lines for the same product in first-seen order and prices each', () => {
      expect(priceLines([line('a', 1), line('b', 2, eur(250)), line('a', 3)])).toEqual([
        {
          productId: 'a',
          sku: 'SKU-a',
          name: 'Product a',
          quantity: 4,
          unitPrice: eur(1000),
          lineTotal: eur(4000),
        },
        {
          productId: 'b',
          sku: 'SKU-b',
          name: 'Product b',
          quantity: 2,
          unitPrice: eur(250),
          lineTotal: eur(500),
        },
      ]);
    });
    it('drops anything beyond the line fields', () => {
      const [priced] = priceLines([{ ...line('a', 1), extra: true } as RequestedLine]);
      expect(priced).not.toHaveProperty('extra');
    });
    it('rejects an empty order', () => rejects(() => priceLines([]), 'EMPTY_ORDER'));
    it.each([0, -1, 1.5, Number.NaN, 2 ** 53])('rejects the quantity %p', (quantity) =>
      rejects(() => priceLines([line('a', quantity)]), 'INVALID_QUANTITY'),
    );
    it('rejects merged quantities or line totals beyond safe integers', () => {
      rejects(
        () => priceLines([line('a', Number.MAX_SAFE_INTEGER), line('a', 1)]),
        'INVALID_QUANTITY',
      );
      rejects(() => priceLines([line('a', 2 ** 50, eur(100))]), 'INVALID_QUANTITY');
    });
    it('rejects a negative or fractional unit price', () => {
      rejects(() => priceLines([line('a', 1, eur(-1))]), 'INVALID_PRICE');
      rejects(() => priceLines([line('a', 1, eur(0.5))]), 'INVALID_PRICE');
    });
    it('rejects mixed currencies', () =>
      rejects(
        () => priceLines([line('a', 1), line('b', 1, { amount: 100, currency: 'USD' })]),
        'MIXED_CURRENCIES',
      ));
  });

  it('mergeLines keeps the first line of a product and sums quantities', () =>
    expect(mergeLines([line('a', 1), line('b', 1), line('a', 2), line('b', 5)])).toEqual([
      line('a', 3),
      line('b', 6),
    ]));

  it('orderCurrency is the one currency of all unit prices', () => {
    expect(orderCurrency([line('a', 1), line('b', 1)])).toBe('EUR');
    rejects(() => orderCurrency([]), 'EMPTY_ORDER');
    rejects(
      () => orderCurrency([line('a', 1), line('b', 1, { amount: 1, currency: 'GBP' })]),
      'MIXED_CURRENCIES',
    );
  });

  describe('computeTotals', () => {
    it('sums unit price times quantity, without a coupon nothing is discounted', () =>
      expect(computeTotals([line('a', 2, eur(1999)), line('b', 1, eur(1))])).toEqual({
        subtotal: eur(3999),
        discount: eur(0),
        total: eur(3999),
      }));
    it('applies a whole-percent coupon, rounding half up to a minor unit', () => {
      expect(computeTotals([line('a', 1, eur(1005))], percent(10))).toEqual({
        subtotal: eur(1005),
        discount: eur(101),
        total: eur(904),
      });
      expect(computeTotals([line('a', 1, eur(1004))], percent(10)).discount).toEqual(eur(100));
      expect(computeTotals([line('a', 1, eur(4550))], percent(1)).discount).toEqual(eur(46));
      expect(computeTotals([line('a', 3, eur(333))], percent(15)).discount).toEqual(eur(150));
      expect(computeTotals([line('a', 1, eur(999))], percent(100)).total).toEqual(eur(0));
    });
    it('applies a fixed coupon in minor units of the order currency, capped at the subtotal', () => {
      expect(computeTotals([line('a', 2, eur(1000))], fixed(500))).toEqual({
        subtotal: eur(2000),
        discount: eur(500),
        total: eur(1500),
      });
      expect(computeTotals([line('a', 1, eur(300))], fixed(500))).toEqual({
        subtotal: eur(300),
        discount: eur(300),
        total: eur(0),
      });
      const usd = { amount: 1000, currency: 'USD' };
      expect(computeTotals([line('a', 1, usd)], fixed(200)).discount).toEqual({
        amount: 200,
        currency: 'USD',
      });
    });
    it('accepts a coupon whose minimum subtotal is reached, exactly or more', () => {
      expect(computeTotals([line('a', 1, eur(5000))], percent(10, 5000)).discount).toEqual(
        eur(500),
      );
      expect(computeTotals([line('a', 2, eur(5000))], percent(10, 5000)).discount).toEqual(
        eur(1000),
      );
    });
    it('rejects a coupon whose minimum subtotal is not reached or in another currency', () => {
      rejects(() => computeTotals([line('a', 1, eur(4999))], percent(10, 5000)), 'INVALID_COUPON');
      rejects(
        () =>
          computeTotals([line('a', 1, eur(9000))], {
            ...percent(10),
            minSubtotal: { amount: 10, currency: 'USD' },
          }),
        'INVALID_COUPON',
      );
    });
    it('rejects mixed currencies', () =>
      rejects(
        () => computeTotals([line('a', 1), line('b', 1, { amount: 1, currency: 'USD' })]),
        'MIXED_CURRENCIES',
      ));
  });

  describe('discountFor', () => {
    it.each([
      ['a fractional percentage', percent(12.5)],
      ['more than 100 percent', percent(101)],
      ['a negative percentage', percent(-5)],
      ['a negative fixed value', fixed(-1)],
      ['a fractional fixed value', fixed(1.5)],
    ])('rejects %s', (_, coupon) =>
      rejects(() => discountFor(eur(1000), coupon), 'INVALID_COUPON'),
    );
  });
});
