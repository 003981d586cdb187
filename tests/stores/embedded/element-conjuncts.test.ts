import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Aggregator, find } from 'mingo';
import type { Doc, Filter } from '../../../src/stores/read-store.js';
import { EmbeddedReadStore } from '../../../src/stores/embedded/embedded-read-store.js';
import { planQuery, type PlannableIndex } from '../../../src/stores/embedded/index-planner.js';
import { Random } from '../../chaos/support/random.js';

/**
 * Several `$and` membership conditions on an element index's first key each
 * hold for some element: the side table applies every one of them, so such a
 * filter counts, groups and finds from it alone. The answers must be mingo's.
 */

const TAGS = ['a', 'b', 'c', 'd', 'e', 1, 2];
const DOCS = 300;

const tagIndex: PlannableIndex = {
  name: 'by_tags',
  keys: [
    { path: 'tags', direction: 1 },
    { path: 'g', direction: 1 },
  ],
  multikey: false,
  elements: 'col_x.by_tags:elements',
};

describe('an element index with several conditions on its elements', () => {
  const random = new Random(20261208);
  const pick = <T>(xs: readonly T[]): T => random.pick(xs);
  const docs: Doc[] = Array.from({ length: DOCS }, (_, i) => ({
    _id: `d${String(i).padStart(4, '0')}`,
    g: `g${random.int(0, 2)}`,
    tags: Array.from({ length: random.int(1, 4) }, () => pick(TAGS)),
  }));
  let dataDir: string;
  let store: EmbeddedReadStore;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'element-conjuncts-'));
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

  const two = () => [pick(TAGS), pick(TAGS)];
  const filters: Filter[] = [];
  for (const tag of TAGS) {
    for (let k = 0; k < 4; k++) {
      filters.push({ $and: [{ tags: tag }, { tags: { $in: two() } }] });
      filters.push({ $and: [{ tags: { $in: two() } }, { tags: { $in: two() } }] });
      filters.push({
        tags: { $in: two() },
        $and: [{ tags: { $in: two() } }, { tags: { $all: two() } }],
        g: pick(['g0', 'g1', 'g2']),
      });
      filters.push({ $and: [{ tags: { $in: two() } }, { tags: { $gte: 'b' } }] });
    }
  }

  it('plans them all on the side table, exact, and leaves a range among them to mingo', () => {
    const plan = planQuery({ $and: [{ tags: { $in: ['a', 'b'] } }, { tags: 'c' }] }, undefined, [
      tagIndex,
    ]);
    expect(plan.index?.name).toBe('by_tags');
    expect(plan.exact).toBe(true);
    expect(plan.distinct).toBe(false);
    expect(plan.where).toEqual([
      'EXISTS (SELECT 1 FROM "col_x.by_tags:elements" AS x WHERE x.e IN (?, ?) AND x.id = s.id)',
      's.e = ?',
    ]);
    expect(plan.params).toEqual(['a', 'b', 'c']);
    const withRange = planQuery({ $and: [{ tags: 'a' }, { tags: { $gt: 'b' } }] }, undefined, [
      tagIndex,
    ]);
    expect(withRange.exact).toBe(false);
  });

  it('finds, counts and groups as mingo does', async () => {
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
  });
});
