import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Aggregator, find } from 'mingo';
import type { Doc, Filter } from '../../src/stores/read-store.js';
import { EmbeddedReadStore } from '../../src/stores/embedded/embedded-read-store.js';
import type { PlannableIndex } from '../../src/stores/embedded/index-planner.js';
import { Random } from '../chaos/support/random.js';

/** Values the documents' `tags` arrays hold: strings and numbers. */
export const TAGS = ['a', 'b', 'c', 'd', 'e', 1, 2] as const;

/** The element index on `tags` (then `g`) of collection `x`, as the planner sees it. */
export const tagIndex: PlannableIndex = {
  name: 'by_tags',
  keys: [
    { path: 'tags', direction: 1 },
    { path: 'g', direction: 1 },
  ],
  multikey: false,
  elements: 'col_x.by_tags:elements',
};

/**
 * 300 random documents with 1 to 4 tags and a group `g`, in an embedded read
 * store of their own (collection `x`, with `tagIndex`), opened before all
 * tests and removed after. `pick` draws from the same seeded sequence.
 */
export function taggedDocs(seed: number) {
  const random = new Random(seed);
  const pick = <T>(xs: readonly T[]): T => random.pick(xs);
  const docs: Doc[] = Array.from({ length: 300 }, (_, i) => ({
    _id: `d${String(i).padStart(4, '0')}`,
    g: `g${random.int(0, 2)}`,
    tags: Array.from({ length: random.int(1, 4) }, () => pick(TAGS)),
  }));
  let dataDir: string;
  let store: EmbeddedReadStore;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tagged-docs-'));
    store = await EmbeddedReadStore.open({ dataDir });
    await store.ensureIndexes('x', [{ name: 'by_tags', keys: { tags: 1, g: 1 } }]);
    await store.commit(
      'seed',
      '1',
      docs.map((doc) => ({ kind: 'put', collection: 'x', doc })),
    );
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Finds, counts and `$group` counts by `g` in the store equal mingo's over the documents. */
  async function expectAsMingo(filters: readonly Filter[]): Promise<void> {
    const collection = store.collection('x');
    for (const filter of filters) {
      const expected = find(docs, filter)
        .sort({ _id: 1 })
        .all()
        .map((d) => d._id);
      const found = (await collection.find(filter, { sort: { _id: 1 } })).map((d) => d._id);
      expect({ filter, found }).toEqual({ filter, found: expected });
      expect({ filter, count: await collection.count(filter) }).toEqual({
        filter,
        count: expected.length,
      });
      const pipeline = [{ $match: filter }, { $group: { _id: '$g', n: { $sum: 1 } } }];
      const byGroup = (rows: Record<string, unknown>[]) =>
        [...rows].sort((a, b) => String(a._id).localeCompare(String(b._id)));
      const groups = byGroup(await collection.aggregate(pipeline));
      const mingoGroups = byGroup(new Aggregator(pipeline).run(docs) as Record<string, unknown>[]);
      expect({ filter, groups }).toEqual({ filter, groups: mingoGroups });
    }
  }

  return { pick, expectAsMingo };
}
