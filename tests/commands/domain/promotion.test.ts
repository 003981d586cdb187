import {
  couponCheck,
  promotionAggregate as promotion,
  type PromotionCommand,
} from '../../../src/commands/promotion.js';
import type { PromotionEvent } from '../../../src/events/promotion.js';
import { given } from '../../support/given-when-then.js';

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const startsAt = '2025-03-01T00:00:00.000Z';
const endsAt = '2025-04-01T00:00:00.000Z';
const during = '2025-03-15T12:00:00.000Z';

const tenPercent = { promotionId: 'pr1', code: 'SPRING10', kind: 'percent' as const, value: 10 };
const fiveOff = {
  promotionId: 'pr1',
  code: 'FIVEOFF',
  kind: 'fixed' as const,
  value: 500,
  currency: 'EUR',
  startsAt,
  endsAt,
  maxRedemptions: 2,
  minSubtotal: eur(2000),
};
const create = (terms: object = tenPercent) =>
  ({ type: 'CreatePromotion', ...tenPercent, ...terms }) as PromotionCommand;
const created = (terms: object = tenPercent): PromotionEvent =>
  ({ type: 'PromotionCreated', data: { ...tenPercent, ...terms } }) as PromotionEvent;
const limited = created(fiveOff);

const redeemed = (orderId: string, at = during): PromotionEvent => ({
  type: 'CouponRedeemed',
  data: { promotionId: 'pr1', orderId, at },
});
const reverted = (orderId: string): PromotionEvent => ({
  type: 'RedemptionReverted',
  data: { promotionId: 'pr1', orderId, reason: 'OrderRejected', at: during },
});
const redeem = (orderId: string, at = during): PromotionCommand => ({
  type: 'Redeem',
  orderId,
  at,
});
const revert = (orderId: string): PromotionCommand => ({
  type: 'RevertRedemption',
  orderId,
  reason: 'OrderRejected',
  at: during,
});

describe('promotion decider', () => {
  describe('CreatePromotion', () => {
    it('creates a percent promotion', () => given(promotion).when(create()).then(created()));
    it('creates a fixed promotion with every option', () =>
      given(promotion).when(create(fiveOff)).then(limited));
    it('leaves out a currency given to a percent promotion', () =>
      given(promotion)
        .when(create({ currency: 'EUR' }))
        .then(created()));
    it('rejects creating it twice', () =>
      given(promotion, created()).when(create()).thenRejects('PROMOTION_EXISTS'));
    it.each([
      ['an empty code', { code: ' ' }],
      ['a percentage of 0', { value: 0 }],
      ['a percentage above 100', { value: 101 }],
      ['a fractional percentage', { value: 2.5 }],
      ['a fixed value of 0', { ...fiveOff, value: 0 }],
      ['a negative fixed value', { ...fiveOff, value: -500 }],
      ['a fractional fixed value', { ...fiveOff, value: 1.5 }],
      ['a fixed value without currency', { ...fiveOff, currency: undefined }],
      ['a malformed currency', { ...fiveOff, currency: 'eur' }],
      ['a start that is not ISO 8601', { startsAt: 'next monday' }],
      ['an end that is not a date', { endsAt: '2025-13-01' }],
      ['an end before the start', { startsAt: endsAt, endsAt: startsAt }],
      ['an end equal to the start', { startsAt, endsAt: startsAt }],
      ['maxRedemptions of 0', { maxRedemptions: 0 }],
      ['fractional maxRedemptions', { maxRedemptions: 1.5 }],
      ['a negative minimum subtotal', { minSubtotal: eur(-1) }],
      [
        'a minimum subtotal in another currency',
        { ...fiveOff, minSubtotal: { amount: 2000, currency: 'USD' } },
      ],
    ])('rejects %s', (_, terms) =>
      given(promotion).when(create(terms)).thenRejects('INVALID_PROMOTION'),
    );
  });

  describe('Redeem', () => {
    it('redeems the coupon for an order', () =>
      given(promotion, created()).when(redeem('o1')).then(redeemed('o1')));
    it('changes nothing for an order that already redeemed it', () =>
      given(promotion, created(), redeemed('o1')).when(redeem('o1')).thenNothing());
    it('redeems again for an order whose redemption was reverted', () =>
      given(promotion, created(), redeemed('o1'), reverted('o1'))
        .when(redeem('o1'))
        .then(redeemed('o1')));
    it('rejects redeeming before the start or from the end on', () => {
      given(promotion, limited)
        .when(redeem('o1', '2025-02-28T23:59:59.999Z'))
        .thenRejects('INVALID_COUPON');
      given(promotion, limited).when(redeem('o1', endsAt)).thenRejects('INVALID_COUPON');
      given(promotion, limited).when(redeem('o1', startsAt)).then(redeemed('o1', startsAt));
      given(promotion, limited)
        .when(redeem('o1', '2025-03-31T23:59:59.999Z'))
        .then(redeemed('o1', '2025-03-31T23:59:59.999Z'));
    });
    it('rejects redeeming once the active redemptions reach the maximum', () =>
      given(promotion, limited, redeemed('a'), redeemed('b'))
        .when(redeem('c'))
        .thenRejects('COUPON_EXHAUSTED'));
    it('frees a slot when a redemption is reverted', () => {
      given(promotion, limited, redeemed('a'), redeemed('b'), reverted('a'))
        .when(redeem('c'))
        .then(redeemed('c'));
      given(promotion, limited, redeemed('a'), redeemed('b'), reverted('a'), redeemed('c'))
        .when(redeem('a'))
        .thenRejects('COUPON_EXHAUSTED');
    });
    it('answers a repeat as a no-op even when the coupon is used up or expired', () => {
      given(promotion, limited, redeemed('a'), redeemed('b')).when(redeem('a')).thenNothing();
      given(promotion, limited, redeemed('a')).when(redeem('a', endsAt)).thenNothing();
    });
    it('treats order ids as plain keys', () => {
      given(promotion, created()).when(redeem('__proto__')).then(redeemed('__proto__'));
      given(promotion, created()).when(redeem('constructor')).then(redeemed('constructor'));
      given(promotion, created(), redeemed('__proto__')).when(redeem('__proto__')).thenNothing();
    });
    it('rejects an unknown promotion', () =>
      given(promotion).when(redeem('o1')).thenRejects('NOT_FOUND'));
  });

  describe('RevertRedemption', () => {
    it('reverts a redemption', () =>
      given(promotion, created(), redeemed('o1')).when(revert('o1')).then(reverted('o1')));
    it('changes nothing for an order that did not redeem it', () =>
      given(promotion, created(), redeemed('o1')).when(revert('o2')).thenNothing());
    it('changes nothing for a redemption already reverted', () =>
      given(promotion, created(), redeemed('o1'), reverted('o1')).when(revert('o1')).thenNothing());
    it('rejects an unknown promotion', () =>
      given(promotion).when(revert('o1')).thenRejects('NOT_FOUND'));
  });

  describe('state', () => {
    it('counts active redemptions', () => {
      const { state } = given(
        promotion,
        limited,
        redeemed('a'),
        redeemed('b'),
        reverted('a'),
        reverted('a'),
        redeemed('c'),
      );
      expect(state).toMatchObject({ status: 'created', activeRedemptions: 2 });
      expect(state).toMatchObject({ redeemedBy: { b: true, c: true } });
    });
    it('survives a JSON round trip, as snapshots need', () => {
      const { state } = given(promotion, limited, redeemed('a'), redeemed('__proto__'));
      const restored = JSON.parse(JSON.stringify(state)) as typeof state;
      expect(restored).toEqual(state);
      given(promotion, limited, redeemed('a'), redeemed('__proto__'))
        .when(redeem('c'))
        .thenRejects('COUPON_EXHAUSTED');
      expect(promotion.decider.decide(redeem('__proto__'), restored)).toEqual([]);
      expect(promotion.snapshot).toEqual({ version: 'promotion-v1', every: 200 });
    });
  });
});

describe('couponCheck', () => {
  const check = (history: PromotionEvent[], order: Parameters<typeof couponCheck>[1]) =>
    couponCheck(given(promotion, ...history).state, order);
  const fiveOffTerms = {
    code: 'FIVEOFF',
    promotionId: 'pr1',
    kind: 'fixed',
    value: 500,
    currency: 'EUR',
    minSubtotal: eur(2000),
  };

  it('accepts a valid coupon, giving its terms', () => {
    expect(check([created()], { now: during })).toEqual({
      ok: true,
      terms: { code: 'SPRING10', promotionId: 'pr1', kind: 'percent', value: 10 },
    });
    expect(check([limited], { now: during, subtotal: eur(2000) })).toEqual({
      ok: true,
      terms: fiveOffTerms,
    });
  });
  it('rejects an unknown coupon', () =>
    expect(check([], { now: during })).toMatchObject({ ok: false, code: 'INVALID_COUPON' }));
  it('rejects a coupon not valid yet or expired', () => {
    expect(check([limited], { now: '2025-02-01T00:00:00.000Z' })).toMatchObject({
      ok: false,
      code: 'INVALID_COUPON',
      message: expect.stringContaining('not valid before'),
    });
    expect(check([limited], { now: endsAt })).toMatchObject({
      ok: false,
      code: 'INVALID_COUPON',
      message: expect.stringContaining('expired'),
    });
  });
  it('rejects a subtotal below the minimum or in another currency', () => {
    const percentWithMinimum = created({ minSubtotal: eur(5000) });
    expect(check([percentWithMinimum], { now: during, subtotal: eur(4999) })).toMatchObject({
      ok: false,
      code: 'INVALID_COUPON',
    });
    expect(
      check([percentWithMinimum], { now: during, subtotal: { amount: 9000, currency: 'USD' } }),
    ).toMatchObject({ ok: false, code: 'INVALID_COUPON' });
    expect(check([percentWithMinimum], { now: during, subtotal: eur(5000) })).toMatchObject({
      ok: true,
    });
  });
  it('rejects a fixed coupon for an order in another currency', () => {
    const noMinimum = created({ ...fiveOff, minSubtotal: undefined });
    expect(
      check([noMinimum], { now: during, subtotal: { amount: 9000, currency: 'USD' } }),
    ).toMatchObject({ ok: false, code: 'INVALID_COUPON', message: expect.stringContaining('EUR') });
  });
  it('leaves the subtotal checks out when no subtotal is given', () =>
    expect(check([limited], { now: during })).toEqual({ ok: true, terms: fiveOffTerms }));
  it('does not check exhaustion: Redeem decides that', () =>
    expect(
      check([limited, redeemed('a'), redeemed('b')], { now: during, subtotal: eur(3000) }),
    ).toMatchObject({ ok: true }));
});
