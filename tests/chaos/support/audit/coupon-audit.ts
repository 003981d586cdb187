import { dataOf, idOf, type LogIndex } from './log-index.js';
import { STANDING, type FoldedOrder } from './order-audit.js';

/**
 * No coupon is ever redeemed past its maxRedemptions (at any point of its
 * stream), and the redemptions left standing are exactly those of the orders
 * that stand.
 */
export function auditCoupons(log: LogIndex, orders: ReadonlyMap<string, FoldedOrder>): string[] {
  const violations: string[] = [];
  for (const [streamId, events] of log.category('promotion')) {
    const promotionId = idOf(streamId);
    const [created] = events;
    const max = created?.type === 'PromotionCreated' ? dataOf(created).maxRedemptions : undefined;
    const active = new Set<string>();
    for (const event of events.slice(1)) {
      const orderId = String(dataOf(event).orderId);
      const where = `${streamId}@${event.revision} ${event.type} for ${orderId}`;
      if (event.type === 'CouponRedeemed') {
        if (active.has(orderId)) violations.push(`${where}: already redeemed`);
        active.add(orderId);
        if (typeof max === 'number' && active.size > max) {
          violations.push(`${where}: ${active.size} redemptions of at most ${max}`);
        }
      } else if (event.type === 'RedemptionReverted') {
        if (!active.delete(orderId)) violations.push(`${where}: nothing to revert`);
      } else violations.push(`${where}: unexpected`);
    }
    const standing = [...orders.values()]
      .filter((o) => o.promotionId === promotionId && STANDING.has(o.status))
      .map((o) => o.orderId)
      .sort();
    const redeemed = [...active].sort();
    if (JSON.stringify(standing) !== JSON.stringify(redeemed)) {
      violations.push(
        `${streamId}: redemptions standing ${JSON.stringify(redeemed)}, orders standing with it ${JSON.stringify(standing)}`,
      );
    }
    if (typeof max === 'number' && standing.length > max) {
      violations.push(`${streamId}: ${standing.length} orders use a coupon of at most ${max}`);
    }
  }
  return violations;
}
