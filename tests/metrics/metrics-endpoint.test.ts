import { createProduct, order, receive } from '../api/query-api.js';
import { startApi, type Api } from '../support/api-harness.js';

/** Prometheus text as `series -> value`, series written as `name{labels}`. */
function parseMetrics(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    series.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return series;
}

describe('GET /metrics', () => {
  let api: Api;
  let other: Api;
  beforeAll(async () => {
    [api, other] = await Promise.all([startApi(), startApi()]);
  });
  afterAll(() => Promise.all([api.stop(), other.stop()]));

  const scrape = async (from: Api) => {
    const res = await fetch(`${from.base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    return { text, series: parseMetrics(text) };
  };

  it('shows commands, appends, projections and the fulfilment process after a few commands', async () => {
    const admin = await api.adminToken();
    const customer = await api.customer();
    const { productId } = await createProduct(api, admin, {
      name: 'Metered lamp',
      category: 'metrics',
      price: 1200,
    });
    await receive(api, admin, productId, 5);
    const placed = await order(api, customer.token, [{ productId, quantity: 2 }]);
    expect(placed.status).toBe('confirmed');
    const tooMuch = await api.request('POST', `/v1/inventory/${productId}/adjust`, {
      token: admin,
      body: { delta: -100, reason: 'count' },
    });
    expect(tooMuch.status).toBe(409);
    await api.engine.readModels.waitFor('orders', placed.position, 5000);
    await api.engine.fulfilment.waitFor(placed.position);

    const { text, series } = await scrape(api);
    const get = (name: string) => series.get(name);

    expect(
      get(
        'commerce_command_duration_seconds_count{aggregate="product",command="CreateProduct",outcome="ok",code=""}',
      ),
    ).toBe(1);
    expect(
      get(
        'commerce_command_duration_seconds_count{aggregate="order",command="ConfirmOrder",outcome="ok",code=""}',
      ),
    ).toBe(1);
    const rejected = [...series].filter(
      ([name]) =>
        name.startsWith('commerce_command_duration_seconds_count{') &&
        name.includes('outcome="rejected"'),
    );
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected.every(([name]) => /code="[A-Z_]+"/.test(name))).toBe(true);
    const createSum = get(
      'commerce_command_duration_seconds_sum{aggregate="product",command="CreateProduct",outcome="ok",code=""}',
    );
    expect(createSum).toBeGreaterThan(0);
    expect(createSum).toBeLessThan(5);
    expect(
      get(
        'commerce_command_duration_seconds_bucket{le="+Inf",aggregate="product",command="CreateProduct",outcome="ok",code=""}',
      ),
    ).toBe(1);

    expect(
      get('commerce_eventstore_append_duration_seconds_count{category="order",outcome="ok"}'),
    ).toBeGreaterThanOrEqual(2);
    expect(
      get('commerce_eventstore_append_duration_seconds_count{category="inventory",outcome="ok"}'),
    ).toBeGreaterThanOrEqual(3);

    const head = Number(await api.engine.eventStore.headPosition());
    const ordersPosition = get('commerce_projection_position{projection="orders"}') ?? 0;
    expect(ordersPosition).toBeGreaterThanOrEqual(Number(placed.position));
    expect(ordersPosition).toBeLessThanOrEqual(head);
    for (const name of ['catalog', 'orders', 'search', 'sales', 'recommendations']) {
      expect(get(`commerce_projection_lag_events{projection="${name}"}`)).toBeGreaterThanOrEqual(0);
      expect(get(`commerce_projection_lag_seconds{projection="${name}"}`)).toBeGreaterThanOrEqual(
        0,
      );
      expect(get(`commerce_projection_dead_letters{projection="${name}"}`)).toBe(0);
      expect(get(`commerce_projection_status{projection="${name}",status="failed"}`)).toBe(0);
    }
    expect(get('commerce_process_in_flight{process="order-fulfilment"}')).toBeGreaterThanOrEqual(0);
    expect(get('commerce_process_position{process="order-fulfilment"}')).toBeGreaterThanOrEqual(
      Number(placed.position),
    );

    expect(get('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain('nodejs_heap_size_used_bytes');

    // Labels name kinds of things, never one order, product or customer.
    expect(text).not.toContain(productId);
    expect(text).not.toContain(placed.orderId);
    expect(text).not.toContain(customer.customerId);
  });

  it('keeps each engine on its own registry', async () => {
    const { series } = await scrape(other);
    expect(
      series.get(
        'commerce_command_duration_seconds_count{aggregate="product",command="CreateProduct",outcome="ok",code=""}',
      ),
    ).toBeUndefined();
    expect(series.get('commerce_projection_dead_letters{projection="catalog"}')).toBe(0);
  });
});
