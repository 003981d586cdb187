import { z } from 'zod';
import { promotionAggregate, type PromotionState } from '../../commands/promotion.js';
import { uniqueClaimAggregate, uniqueStream } from '../../commands/unique-claim.js';
import { AppError } from '../../errors.js';
import { promotionStream } from '../../events/promotion.js';
import type { ApiDeps } from '../api-deps.js';
import { route, type RouteDeps } from '../route.js';
import { commandAnswer, currency, isoTime, money } from '../schemas.js';
import { ADMIN, claimUnique } from './catalog-routes.js';

/** Coupon codes are unique and matched regardless of case and surrounding spaces. */
export const normaliseCouponCode = (code: string) => code.trim().toUpperCase();

const code = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
  .transform(normaliseCouponCode);

const promotionBody = z
  .strictObject({
    code,
    kind: z.enum(['percent', 'fixed']),
    value: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    currency: currency.optional(),
    startsAt: isoTime.optional(),
    endsAt: isoTime.optional(),
    maxRedemptions: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    minSubtotal: money.optional(),
  })
  .superRefine((b, ctx) => {
    const issue = (path: string[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    if (b.kind === 'percent' && b.value > 100) issue(['value'], 'a percentage from 1 to 100');
    if (b.kind === 'fixed' && b.currency === undefined) {
      issue(['currency'], 'a fixed promotion needs a currency');
    }
    if (b.startsAt && b.endsAt && !(Date.parse(b.endsAt) > Date.parse(b.startsAt))) {
      issue(['endsAt'], 'endsAt must come after startsAt');
    }
    if (b.kind === 'fixed' && b.minSubtotal && b.minSubtotal.currency !== b.currency) {
      issue(['minSubtotal', 'currency'], 'minSubtotal must be in the currency of the promotion');
    }
  });

/** The promotion a coupon code belongs to, if one was created with it. */
export async function findCouponByCode(
  deps: Pick<ApiDeps, 'handler'>,
  couponCode: string,
): Promise<
  { promotionId: string; state: Exclude<PromotionState, { status: 'absent' }> } | undefined
> {
  const claim = await deps.handler.load(
    uniqueClaimAggregate,
    uniqueStream('coupon', normaliseCouponCode(couponCode)),
  );
  if (claim.state.status !== 'claimed') return undefined;
  const promotionId = claim.state.ownerId;
  const { state } = await deps.handler.load(promotionAggregate, promotionStream(promotionId));
  return state.status === 'absent' ? undefined : { promotionId, state };
}

export function promotionRoutes(r: RouteDeps, deps: ApiDeps): void {
  route(r, {
    method: 'post',
    path: '/v1/promotions',
    summary: 'Create a promotion with a coupon code',
    tag: 'promotions',
    access: ADMIN,
    body: promotionBody,
    responses: {
      201: {
        description: 'Created',
        schema: commandAnswer.extend({ promotionId: z.string(), code: z.string() }),
      },
    },
    async handle({ body, newId, command }) {
      const promotionId = await claimUnique(
        deps,
        {
          kind: 'coupon',
          value: body.code,
          takenCode: 'COUPON_CODE_TAKEN',
          newOwnerId: newId(),
          ownerExists: async (id) =>
            (await deps.handler.load(promotionAggregate, promotionStream(id))).state.status !==
            'absent',
        },
        command('claim-code'),
      );
      try {
        const result = await deps.handler.handle(
          promotionAggregate,
          promotionStream(promotionId),
          { type: 'CreatePromotion', promotionId, ...body },
          command('create'),
        );
        return {
          status: 201,
          body: { promotionId, code: body.code, position: result.position },
          revision: result.nextRevision,
          position: result.position,
        };
      } catch (error) {
        if (error instanceof AppError && error.code === 'PROMOTION_EXISTS') {
          throw new AppError('COUPON_CODE_TAKEN', `coupon ${body.code} is already taken`);
        }
        throw error;
      }
    },
  });
}
