import type { Filter } from '../../../src/stores/read-store.js';
import { planQuery } from '../../../src/stores/embedded/index-planner.js';
import { TAGS, tagIndex, taggedDocs } from '../../support/tagged-docs.js';

/**
 * Several `$and` membership conditions on an element index's first key each
 * hold for some element: the side table applies every one of them, so such a
 * filter counts, groups and finds from it alone. The answers must be mingo's.
 */

describe('an element index with several conditions on its elements', () => {
  const { pick, expectAsMingo } = taggedDocs(20261208);

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

  it('finds, counts and groups as mingo does', () => expectAsMingo(filters));
});
