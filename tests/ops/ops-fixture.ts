import { createProduct, order, receive } from '../api/query-api.js';
import { startApi, type Api } from '../support/api-harness.js';
import { PROJECTIONS } from '../../src/projections/read-models.js';
import type { Projection } from '../../src/projections/projection.js';
import type { Doc, ReadStore } from '../../src/stores/read-store.js';
import { projectionNamed } from '../../src/ops/read-model-names.js';

/** A small shop written through the HTTP API: products with stock, reviews and confirmed orders. */
export async function startShop() {
  const api = await startApi();
  const admin = await api.adminToken();
  const products: string[] = [];
  for (const [i, name] of ['Teapot', 'Kettle', 'Mug'].entries()) {
    const { productId } = await createProduct(api, admin, {
      name,
      category: i === 2 ? 'cups' : 'kitchen',
      price: 1000 + i * 250,
    });
    await receive(api, admin, productId, 50);
    products.push(productId);
  }
  const [a, b, c] = products as [string, string, string];
  const customer = await api.customer();
  const orders = [
    await order(api, customer.token, [
      { productId: a, quantity: 1 },
      { productId: b, quantity: 2 },
    ]),
    await order(api, customer.token, [
      { productId: a, quantity: 1 },
      { productId: c, quantity: 1 },
    ]),
  ];
  await settle(api);
  return { api, admin, customer, products, orders };
}

export type Shop = Awaited<ReturnType<typeof startShop>>;

/** Waits until every read model has applied the whole log, and the log has stopped growing. */
export async function settle(api: Api): Promise<void> {
  for (;;) {
    const head = await api.engine.eventStore.headPosition();
    if (head === undefined) return;
    for (const runner of api.engine.readModels.running.values()) await runner.waitFor(head, 10_000);
    if ((await api.engine.eventStore.headPosition()) === head) return;
  }
}

/** Every document of a read model, by collection, in id order. */
export async function dump(readStore: ReadStore, name: string): Promise<Record<string, Doc[]>> {
  const projection: Projection = projectionNamed(name);
  const out: Record<string, Doc[]> = {};
  for (const c of projection.collections) {
    out[c.name] = await readStore.collection(c.name).find({}, { sort: { _id: 1 } });
  }
  return out;
}

export const READ_MODEL_NAMES = PROJECTIONS.map((p) => p.name);

/** Replaces a live document as if someone had edited the store by hand. */
export async function tamper(
  readStore: ReadStore,
  collection: string,
  id: string,
  change: (doc: Doc) => Doc,
): Promise<void> {
  const doc = await readStore.collection(collection).get(id);
  if (!doc) throw new Error(`no ${collection}/${id}`);
  await readStore.commit('tests', undefined, [{ kind: 'put', collection, doc: change(doc) }]);
}
