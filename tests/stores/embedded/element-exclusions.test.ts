import type { Filter } from '../../../src/stores/read-store.js';
import { planQuery } from '../../../src/stores/embedded/index-planner.js';
import { TAGS, tagIndex, taggedDocs } from '../../support/tagged-docs.js';

/**
 * `$nin` on an element index's first key is applied on its side table (no
 * row of the document holds an excluded value), so such a filter counts,
 * groups and finds from the side table alone: the answers must be mingo's.
 */

describe('an element index with $nin', () => {
  const { pick, expectAsMingo } = taggedDocs(20261207);

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

  it('finds, counts and groups as mingo does', () => expectAsMingo(filters));
});
