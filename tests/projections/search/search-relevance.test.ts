import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { searchProjection } from '../../../src/projections/search/search-projection.js';
import { searchProducts } from '../../../src/projections/search/search-queries.js';
import { fold } from '../../../src/projections/search/tokenizer.js';
import { EmbeddedReadStore } from '../../../src/stores/embedded/embedded-read-store.js';
import type { ReadStore } from '../../../src/stores/read-store.js';
import { Random } from '../../chaos/support/random.js';
import { MemoryReadStore } from '../../support/memory-read-store.js';
import { projectFiltered } from '../catalog/project-filtered.js';
import { eur, productLog } from '../catalog/product-events.js';
import { putDocs } from '../catalog/read-store-fixture.js';

/**
 * One-word queries by relevance take the index's scored keys, best first, and
 * then the word's plain key less the documents holding a scored key. Checked
 * against scores worked out here from the products' own words, over pages of
 * every size, on the embedded store and on a plain in-memory one.
 */

const WORDS = ['lamp', 'lampshade', 'lantern', 'laptop', 'lap', 'desk', 'design', 'deskmat', 'oak'];
const PRODUCTS = 60;

interface Product {
  readonly id: string;
  readonly name: string;
  readonly description: string;
}

function products(): Product[] {
  const random = new Random(20261122);
  const words = (n: number) => Array.from({ length: n }, () => random.pick(WORDS)).join(' ');
  return Array.from({ length: PRODUCTS }, (_, i) => ({
    id: `p${String(i).padStart(2, '0')}`,
    name: words(random.int(1, 2)),
    description: words(random.int(0, 3)),
  }));
}

/** 3 for a whole word, 1 for the start of one; 2 more when a name word starts so. */
function expectedScore(product: Product, query: string): number | undefined {
  const split = (text: string) => fold(text).split(/\s+/).filter(Boolean);
  const name = split(product.name);
  const all = [...name, ...split(product.description), 'equipment', 'e1'];
  if (!all.some((word) => word.startsWith(query))) return undefined;
  return (all.includes(query) ? 3 : 1) + (name.some((word) => word.startsWith(query)) ? 2 : 0);
}

function expectedRanking(query: string): string[] {
  return products()
    .flatMap((p) => {
      const score = expectedScore(p, query);
      return score === undefined ? [] : [{ id: p.id, score }];
    })
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .map((p) => `${p.id}:${p.score}`);
}

async function seed(store: ReadStore): Promise<void> {
  const log = productLog();
  const events = products().map((p) =>
    log.created(p.id, {
      name: p.name,
      description: p.description,
      category: 'equipment',
      price: eur(1000),
      sku: 'E1',
    }),
  );
  for (const collection of searchProjection.collections) {
    await store.ensureIndexes(collection.name, collection.indexes);
  }
  await putDocs(store, projectFiltered(searchProjection, events));
}

async function pagedRanking(store: ReadStore, q: string, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await searchProducts(store, { q, limit, ...(cursor && { cursor }) });
    seen.push(...page.items.map((item) => `${item.productId}:${item.score}`));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return seen;
}

const QUERIES = ['la', 'lam', 'lamp', 'lan', 'lap', 'lapt', 'laptop', 'de', 'des', 'desk', 'oak'];

describe.each([
  ['embedded', 'embedded'],
  ['in-memory', 'memory'],
] as const)('one-word relevance on the %s store', (_, kind) => {
  let store: ReadStore;
  let dir: string | undefined;

  beforeAll(async () => {
    if (kind === 'embedded') {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'search-relevance-'));
      store = await EmbeddedReadStore.open({ dataDir: dir });
    } else {
      store = new MemoryReadStore();
    }
    await seed(store);
  });
  afterAll(async () => {
    await store.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(QUERIES)('ranks "%s" by score, then id, over pages of any size', async (q) => {
    const expected = expectedRanking(q);
    expect(expected.length).toBeGreaterThan(0);
    for (const limit of [1, 3, 7, 100]) {
      expect(await pagedRanking(store, q, limit)).toEqual(expected);
    }
    expect((await searchProducts(store, { q })).total).toBe(expected.length);
  });
});
