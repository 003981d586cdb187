import { skuKey } from '../../api/routes/catalog-routes.js';
import { normaliseCouponCode } from '../../api/routes/promotion-routes.js';
import { inventoryAggregate } from '../../commands/inventory.js';
import { productAggregate } from '../../commands/product.js';
import { promotionAggregate, type PromotionTerms } from '../../commands/promotion.js';
import { uniqueClaimAggregate, uniqueStream } from '../../commands/unique-claim.js';
import { inventoryStream } from '../../events/inventory.js';
import { money, type Money } from '../../events/money.js';
import { productStream } from '../../events/product.js';
import { promotionStream } from '../../events/promotion.js';
import { STAFF, type SeedContext } from './seed-context.js';
import { CATEGORIES } from './shop-data.js';

export const CURRENCY = 'EUR';

export interface SeedProduct {
  readonly productId: string;
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  price: Money;
  /** Limited editions are never restocked: they sell out. */
  readonly limited: boolean;
  /** Bought together with this one now and then. */
  companion: number;
  discontinued: boolean;
}

export interface SeedCoupon {
  readonly promotionId: string;
  readonly code: string;
}

const lines = CATEGORIES.flatMap((category) => category.lines.map((line) => ({ category, line })));

/** Products (claimed SKU, ProductCreated, first stock), cycling through the product lines. */
export async function createCatalog(ctx: SeedContext, count: number): Promise<SeedProduct[]> {
  const products: SeedProduct[] = [];
  for (let i = 0; i < count; i++) {
    const entry = lines[i % lines.length];
    if (!entry) throw new RangeError('No product lines');
    const { category, line } = entry;
    const round = Math.floor(i / lines.length);
    const variantIndex = round % category.variants.length;
    const edition = Math.floor(round / category.variants.length);
    const variant = category.variants[variantIndex] ?? '';
    const name = `${line.name} — ${variant}${edition > 0 ? ` (No. ${edition + 1})` : ''}`;
    const sku = `${category.sku}-${String(i + 1).padStart(4, '0')}`;
    const [low, high] = line.price;
    const cents = ctx.random.int(low, high) * (1 + variantIndex * 0.6);
    const price = money(Math.round(cents / 10) * 10 - 1, CURRENCY);
    const productId = ctx.newId();
    ctx.clock.advance(ctx.random.int(60_000, 600_000));
    await claim(ctx, 'sku', skuKey(sku), productId, 'SKU_TAKEN');
    await ctx.handler.handle(
      productAggregate,
      productStream(productId),
      {
        type: 'CreateProduct',
        productId,
        sku,
        name,
        description: line.description,
        category: category.slug,
        price,
        attributes: { ...line.attributes, variant },
      },
      STAFF,
    );
    const limited = ctx.random.chance(0.1);
    await receiveStock(ctx, productId, limited ? ctx.random.int(3, 10) : ctx.random.int(40, 160));
    products.push({
      productId,
      sku,
      name,
      category: category.slug,
      price,
      limited,
      companion: -1,
      discontinued: false,
    });
    ctx.stats.products += 1;
  }
  for (const product of products) product.companion = ctx.random.int(0, products.length - 1);
  return products;
}

export async function receiveStock(ctx: SeedContext, productId: string, quantity: number) {
  await ctx.handler.handle(
    inventoryAggregate,
    inventoryStream(productId),
    { type: 'ReceiveStock', productId, quantity },
    STAFF,
  );
}

/** A few coupons: an open one, one with a minimum, a limited one and a short flash sale. */
export async function createCoupons(
  ctx: SeedContext,
  period: { readonly start: number; readonly end: number },
  orders: number,
): Promise<SeedCoupon[]> {
  const at = (share: number) =>
    new Date(period.start + (period.end - period.start) * share).toISOString();
  const terms: Omit<PromotionTerms, 'promotionId'>[] = [
    { code: 'WELCOME10', kind: 'percent', value: 10 },
    {
      code: 'SAVE5',
      kind: 'fixed',
      value: 500,
      currency: CURRENCY,
      minSubtotal: money(3000, CURRENCY),
    },
    {
      code: 'VIP20',
      kind: 'percent',
      value: 20,
      maxRedemptions: Math.max(3, Math.round(orders / 150)),
    },
    { code: 'FLASH15', kind: 'percent', value: 15, startsAt: at(0.4), endsAt: at(0.46) },
  ];
  const coupons: SeedCoupon[] = [];
  for (const term of terms) {
    const promotionId = ctx.newId();
    const code = normaliseCouponCode(term.code);
    await claim(ctx, 'coupon', code, promotionId, 'COUPON_CODE_TAKEN');
    await ctx.handler.handle(
      promotionAggregate,
      promotionStream(promotionId),
      { type: 'CreatePromotion', ...term, code, promotionId },
      STAFF,
    );
    coupons.push({ promotionId, code });
    ctx.stats.coupons += 1;
  }
  return coupons;
}

/** Claims a unique value (SKU, email, coupon code) as the API does before creating its owner. */
export async function claim(
  ctx: SeedContext,
  kind: string,
  value: string,
  ownerId: string,
  takenCode: string,
): Promise<void> {
  await ctx.handler.handle(
    uniqueClaimAggregate,
    uniqueStream(kind, value),
    { type: 'Claim', kind, value, ownerId, takenCode },
    STAFF,
  );
}
