/** Prepares a shop through the real HTTP API: products, stock and signed-in customers. */

export const STAFF = { email: 'bench-admin@bench.local', password: 'bench-admin-password' };

export interface ShopSize {
  readonly products: number;
  /** Units received per product: enough that no order runs out. */
  readonly stockPerProduct: number;
  readonly customers: number;
}

export interface Shop {
  readonly staffToken: string;
  readonly productIds: readonly string[];
  /** One access token per customer. */
  readonly customerTokens: readonly string[];
}

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export async function call(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function expectStatus(
  answer: Promise<Answer>,
  status: number,
  what: string,
): Promise<Record<string, unknown>> {
  const res = await answer;
  if (res.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body;
}

/** Runs `work` for 0..count-1, at most `parallel` at a time, results in order. */
async function inParallel<T>(
  count: number,
  parallel: number,
  work: (index: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await work(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return results;
}

export async function login(base: string, email: string, password: string): Promise<string> {
  const body = await expectStatus(
    call(base, 'POST', '/v1/auth/login', { body: { email, password } }),
    200,
    `login ${email}`,
  );
  return String(body.accessToken);
}

/** Staff login, products with stock, registered and signed-in customers. */
export async function setUpShop(base: string, size: ShopSize, runTag: string): Promise<Shop> {
  const staffToken = await login(base, STAFF.email, STAFF.password);
  const productIds = await inParallel(size.products, 8, async (i) => {
    const created = await expectStatus(
      call(base, 'POST', '/v1/products', {
        token: staffToken,
        body: {
          sku: `BENCH-${runTag}-${String(i).padStart(4, '0')}`,
          name: `Bench product ${i}`,
          description: `Product ${i} of the place-order benchmark`,
          category: ['books', 'games', 'garden', 'kitchen'][i % 4],
          price: { amount: 500 + ((i * 137) % 9_500), currency: 'EUR' },
        },
      }),
      201,
      `create product ${i}`,
    );
    const productId = String(created.productId);
    await expectStatus(
      call(base, 'POST', `/v1/inventory/${productId}/receive`, {
        token: staffToken,
        body: { quantity: size.stockPerProduct },
      }),
      200,
      `receive stock for ${productId}`,
    );
    return productId;
  });
  const customerTokens = await inParallel(size.customers, 8, async (i) => {
    const email = `bench-customer-${i}@bench.local`;
    const password = `bench-password-${i}`;
    await expectStatus(
      call(base, 'POST', '/v1/auth/register', {
        body: { email, password, name: `Bench Customer ${i}` },
      }),
      201,
      `register ${email}`,
    );
    return login(base, email, password);
  });
  return { staffToken, productIds, customerTokens };
}
