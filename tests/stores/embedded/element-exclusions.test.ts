import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Aggregator, find } from 'mingo';
import type { Doc, Filter } from '../../../src/stores/read-store.js';
import { EmbeddedReadStore } from '../../../src/stores/embedded/embedded-read-store.js';
import { planQuery, type PlannableIndex } from '../../../src/stores/embedded/index-planner.js';
import { Random } from '../../chaos/support/random.js';

/**
 * `$nin` on an element index's first key is applied on its side table (no
 * row of the document holds an excluded value), so such a filter counts,
 * groups and finds from the side table alone: the answers must be mingo's.
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

describe('an element index with $nin', () => {
  const random = new Random(20261207);
  const pick = <T>(xs: readonly T[]): T => random.pick(xs);
  const docs: Doc[] = Array.from({ length: DOCS }, (_, i) => ({
    _id: `d${String(i).padStart(4, '0')}`,
    g: `g${random.int(0, 2)}`,
    tags: Array.from({ length: random.int(1, 4) }, () => pick(TAGS)),
  }));
  let dataDir: string;
  let store: EmbeddedReadStore;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'element-exclusions-'));
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

  const filters: Filter[] = [];
  for (const tag of TAGS) {
    for (let k = 0; k < 4; k++) {
      const excluded = [pick(TAGS), pick(TAGS)];
      filters.push({ tags: { $eq: tag, $nin: excluded } });
      filters.push({ tags: { $eq: tag, $nin: excluded }, g: pick(['g0', 'g1', 'g2']) });
      filters.push({ tags: { $all: [tag, pick(TAGS)], $nin: [pick(TAGS)] } });
      filters.push({ tags: { $in: [tag, pick(TAGS)], $nin: excluded } });
    }
  }

  it('plans a $nin beside the elements key as exact', () => {
    const plan = planQuery({ tags: { $eq: 'a', $nin: ['b', 'c'] } }, undefined, [tagIndex]);
    expect(plan.index?.name).toBe('by_tags');
    expect(plan.exact).toBe(true);
    expect(plan.where.some((w) => w.startsWith('NOT EXISTS'))).toBe(true);
    // A $nin on another field, or inside $or, is left to mingo.
    expect(planQuery({ tags: 'a', g: { $nin: ['g1'] } }, undefined, [tagIndex]).exact).toBe(false);
    expect(
      planQuery({ $or: [{ tags: { $eq: 'a', $nin: ['b'] } }] }, undefined, [tagIndex]).exact,
    ).toBe(false);
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
