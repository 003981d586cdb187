import type { TogetherCount } from './recommendations-doc.js';

/** Ranking of bought-together counts: most first, then by product id. */
export const ranksBefore = (a: TogetherCount, b: TogetherCount): boolean =>
  a.count > b.count || (a.count === b.count && a.productId < b.productId);

/** Where `entry` goes in `ranked` (sorted by `ranksBefore`): after every entry ranking before it. */
function rankOf(ranked: readonly TogetherCount[], entry: TogetherCount): number {
  let low = 0;
  let high = ranked.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (ranksBefore(ranked[mid] as TogetherCount, entry)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * `together` (ranked) with `sign` added to the count of each of `others`,
 * zeros dropped, still ranked. A popular product's list holds thousands of
 * entries while an order moves a handful: each moved entry is taken out and
 * put back in its place, not the whole list sorted again. The input is not
 * changed.
 */
export function addTo(
  together: readonly TogetherCount[],
  others: readonly string[],
  sign: 1 | -1,
): TogetherCount[] {
  const next = together.slice();
  for (const productId of new Set(others)) {
    const at = next.findIndex((entry) => entry.productId === productId);
    const count = (at === -1 ? 0 : (next[at] as TogetherCount).count) + sign;
    if (at !== -1) next.splice(at, 1);
    if (count <= 0) continue;
    const entry = { productId, count };
    next.splice(rankOf(next, entry), 0, entry);
  }
  return next;
}
