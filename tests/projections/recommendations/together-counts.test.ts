import fc from 'fast-check';
import type { TogetherCount } from '../../../src/projections/recommendations/recommendations-doc.js';
import { addTo } from '../../../src/projections/recommendations/together-counts.js';

/** The ranking worked out from scratch: counts summed, zeros dropped, sorted. */
function rankedFromScratch(
  together: readonly TogetherCount[],
  others: readonly string[],
  sign: 1 | -1,
): TogetherCount[] {
  const counts = new Map(together.map((e) => [e.productId, e.count]));
  for (const id of new Set(others)) counts.set(id, (counts.get(id) ?? 0) + sign);
  return [...counts]
    .filter(([, count]) => count > 0)
    .map(([productId, count]) => ({ productId, count }))
    .sort((a, b) => b.count - a.count || (a.productId < b.productId ? -1 : 1));
}

const ids = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'p.1', 'P', 'é');
/** A ranked list: a few ids with counts of 1 to 4 (ties likely). */
const counts = fc.dictionary(ids, fc.integer({ min: 1, max: 4 })).map((d) =>
  rankedFromScratch(
    Object.entries(d).map(([productId, count]) => ({ productId, count })),
    [],
    1,
  ),
);

describe('bought-together counts', () => {
  it('moves the changed entries into their rank', () => {
    const ranked = [
      { productId: 'a', count: 3 },
      { productId: 'b', count: 2 },
      { productId: 'c', count: 2 },
      { productId: 'd', count: 1 },
    ];
    expect(addTo(ranked, ['d', 'e', 'c'], 1)).toEqual([
      { productId: 'a', count: 3 },
      { productId: 'c', count: 3 },
      { productId: 'b', count: 2 },
      { productId: 'd', count: 2 },
      { productId: 'e', count: 1 },
    ]);
    expect(addTo(ranked, ['a', 'd', 'x'], -1)).toEqual([
      { productId: 'a', count: 2 },
      { productId: 'b', count: 2 },
      { productId: 'c', count: 2 },
    ]);
  });

  it('ranks as a full sort would, and leaves its input alone', () => {
    fc.assert(
      fc.property(counts, fc.array(ids), fc.constantFrom<1 | -1>(1, -1), (ranked, others, sign) => {
        const before = structuredClone(ranked);
        expect(addTo(ranked, others, sign)).toEqual(rankedFromScratch(ranked, others, sign));
        expect(ranked).toEqual(before);
      }),
      { numRuns: 500 },
    );
  });
});
