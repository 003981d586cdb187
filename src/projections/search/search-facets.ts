import type { Filter, ReadCollection } from '../../stores/read-store.js';

export type SearchFacet = 'category' | 'price';

export const searchFacets: readonly SearchFacet[] = ['category', 'price'];

export interface CategoryCount {
  readonly category: string;
  readonly count: number;
}

export interface PriceBand {
  /** A label in major units: "<10", "10-50", ..., ">=500". */
  readonly band: string;
  /** Minor units, inclusive; absent for the lowest band. */
  readonly min?: number;
  /** Minor units, exclusive; absent for the highest band. */
  readonly max?: number;
}

export type PriceBandCount = PriceBand & { readonly count: number };

export interface Facets {
  readonly category?: CategoryCount[];
  readonly price?: PriceBandCount[];
}

/** Bands in major units of a two-decimal currency (10.00 = 1000 minor units). */
export const priceBands: readonly PriceBand[] = [
  { band: '<10', max: 1000 },
  { band: '10-50', min: 1000, max: 5000 },
  { band: '50-100', min: 5000, max: 10000 },
  { band: '100-500', min: 10000, max: 50000 },
  { band: '>=500', min: 50000 },
];

/** The label of the band a price (minor units) falls in. */
export function priceBandOf(amount: number): string {
  const band = priceBands.find(
    (b) => (b.min === undefined || amount >= b.min) && (b.max === undefined || amount < b.max),
  );
  return band?.band ?? priceBands[priceBands.length - 1]!.band;
}

const MAX_CATEGORIES = 100;

const byCountThenName = (a: CategoryCount, b: CategoryCount) =>
  b.count - a.count || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0);

/**
 * The groups of some disjoint matches (no document matches two of them), to
 * be added up: one grouping per match, each answered from an index, instead
 * of one over their union, which would have to drop documents counted twice.
 */
async function groupsOf(
  collection: ReadCollection,
  matches: readonly Filter[],
  by: Record<string, string> | string,
): Promise<Record<string, unknown>[]> {
  const groups = await Promise.all(
    matches.map((match) =>
      collection.aggregate([{ $match: match }, { $group: { _id: by, count: { $sum: 1 } } }]),
    ),
  );
  return groups.flat();
}

/** Counts by the group's name, those of equal names added up. */
function byName(rows: readonly Record<string, unknown>[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const name = String(row._id);
    counts.set(name, (counts.get(name) ?? 0) + Number(row.count));
  }
  return counts;
}

const topCategories = (categories: Map<string, number>): CategoryCount[] =>
  [...categories]
    .map(([category, count]) => ({ category, count }))
    .sort(byCountThenName)
    .slice(0, MAX_CATEGORIES);

const inBands = (bands: Map<string, number>): PriceBandCount[] =>
  priceBands.map((band) => ({ ...band, count: bands.get(band.band) ?? 0 }));

/**
 * The total and both facets from one grouping by category and price band,
 * for when every one of them counts the same matches (no category or price
 * filter for a facet to leave out): one pass over the matches instead of three.
 */
export async function countsByCategoryAndBand(
  collection: ReadCollection,
  matches: readonly Filter[],
): Promise<{ total: number; category: CategoryCount[]; price: PriceBandCount[] }> {
  const rows = await groupsOf(collection, matches, { category: '$category', band: '$priceBand' });
  const categories = new Map<string, number>();
  const bands = new Map<string, number>();
  let total = 0;
  for (const row of rows) {
    const { category, band } = row._id as { category?: unknown; band?: unknown };
    const count = Number(row.count);
    total += count;
    categories.set(String(category), (categories.get(String(category)) ?? 0) + count);
    bands.set(String(band), (bands.get(String(band)) ?? 0) + count);
  }
  return { total, category: topCategories(categories), price: inBands(bands) };
}

/** Products per category, most first (ties by name). */
export async function categoryFacet(
  collection: ReadCollection,
  matches: readonly Filter[],
): Promise<CategoryCount[]> {
  return topCategories(byName(await groupsOf(collection, matches, '$category')));
}

/** Products per price band (kept on each document), every band listed (empty ones with 0), cheapest first. */
export async function priceFacet(
  collection: ReadCollection,
  matches: readonly Filter[],
): Promise<PriceBandCount[]> {
  return inBands(byName(await groupsOf(collection, matches, '$priceBand')));
}
