import { ADMIN } from './server-pool.js';

export interface Customer {
  readonly id: string;
  readonly token: string;
}

export interface Coupon {
  readonly code: string;
  readonly maxRedemptions: number;
}

export interface Shop {
  readonly adminToken: string;
  readonly productIds: readonly string[];
  readonly coupons: readonly Coupon[];
  readonly customers: readonly Customer[];
}

export const INITIAL_STOCK = 40;

async function post(base: string, path: string, body: unknown, token?: string) {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (response.status >= 300) {
    throw new Error(`POST ${path} -> ${response.status} ${JSON.stringify(answer)}`);
  }
  return answer;
}

/** Products with a little stock, coupons that run out quickly, and signed-in customers. */
export async function setUpShop(
  base: string,
  sizes: { products: number; customers: number },
): Promise<Shop> {
  const adminToken = String((await post(base, '/v1/auth/login', ADMIN)).accessToken);
  const productIds: string[] = [];
  for (let i = 0; i < sizes.products; i++) {
    const created = await post(
      base,
      '/v1/products',
      {
        sku: `CHAOS-${i}`,
        name: `Chaos product ${i}`,
        description: `Sold under fire, number ${i}`,
        category: i % 2 === 0 ? 'tools' : 'garden',
        price: { amount: 1500 + 250 * i, currency: 'EUR' },
      },
      adminToken,
    );
    const productId = String(created.productId);
    await post(base, `/v1/inventory/${productId}/receive`, { quantity: INITIAL_STOCK }, adminToken);
    productIds.push(productId);
  }
  const coupons: Coupon[] = [
    { code: 'CHAOS10', maxRedemptions: 3 },
    { code: 'CHAOS5OFF', maxRedemptions: 5 },
    { code: 'CHAOS25', maxRedemptions: 2 },
  ];
  await post(
    base,
    '/v1/promotions',
    { code: 'CHAOS10', kind: 'percent', value: 10, maxRedemptions: 3 },
    adminToken,
  );
  await post(
    base,
    '/v1/promotions',
    { code: 'CHAOS5OFF', kind: 'fixed', value: 500, currency: 'EUR', maxRedemptions: 5 },
    adminToken,
  );
  await post(
    base,
    '/v1/promotions',
    { code: 'CHAOS25', kind: 'percent', value: 25, maxRedemptions: 2 },
    adminToken,
  );
  const customers: Customer[] = [];
  for (let i = 0; i < sizes.customers; i++) {
    const credentials = { email: `buyer${i}@shop.test`, password: `buyer-password-${i}` };
    const { customerId } = await post(base, '/v1/auth/register', {
      ...credentials,
      name: `Buyer ${i}`,
    });
    const { accessToken } = await post(base, '/v1/auth/login', credentials);
    customers.push({ id: String(customerId), token: String(accessToken) });
  }
  return { adminToken, productIds, coupons, customers };
}
