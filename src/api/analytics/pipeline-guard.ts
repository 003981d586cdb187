import { AppError } from '../../errors.js';

/** Read models analysts may query, by their public collection names. */
export const ANALYTICS_COLLECTIONS = [
  'catalog',
  'orders',
  'search',
  'sales',
  'recommendations',
] as const;

/** Stages that only read and reshape the one collection queried. */
const ALLOWED_STAGES = new Set([
  '$match',
  '$group',
  '$sort',
  '$limit',
  '$skip',
  '$project',
  '$unwind',
  '$count',
  '$addFields',
  '$set',
  '$unset',
  '$bucket',
  '$bucketAuto',
  '$facet',
  '$sortByCount',
  '$replaceRoot',
  '$replaceWith',
  '$sample',
]);

/** Operators that write, run code, or reach other collections: refused anywhere in a pipeline. */
const FORBIDDEN = new Set([
  '$out',
  '$merge',
  '$function',
  '$where',
  '$accumulator',
  '$lookup',
  '$graphLookup',
  '$unionWith',
  '$collStats',
  '$indexStats',
  '$currentOp',
  '$listSessions',
  '$planCacheStats',
]);

const MAX_DEPTH = 32;
const MAX_STAGES = 50;
/**
 * `$range` builds its whole array at once, faster than a time limit can
 * stop it: only constant ranges of at most this many numbers are run.
 */
const MAX_RANGE = 10_000;

const refuse = (path: string, message: string) =>
  new AppError('VALIDATION_FAILED', 'The pipeline is not allowed', { errors: [{ path, message }] });

function checkRange(argument: unknown, path: string): void {
  const [start, end, step = 1] = Array.isArray(argument) ? (argument as unknown[]) : [];
  const integers = [start, end, step].every((n) => Number.isSafeInteger(n));
  if (
    !integers ||
    step === 0 ||
    Math.abs((end as number) - (start as number)) / Math.abs(step as number) > MAX_RANGE
  ) {
    throw refuse(path, `$range takes constant whole numbers spanning at most ${MAX_RANGE} values`);
  }
}

function scan(value: unknown, path: string, depth: number): void {
  if (depth > MAX_DEPTH) throw refuse(path, `nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) {
    value.forEach((item, i) => scan(item, `${path}.${i}`, depth + 1));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value)) {
    if (FORBIDDEN.has(key)) throw refuse(`${path}.${key}`, `${key} is not allowed`);
    if (key === '$range') checkRange(inner, `${path}.${key}`);
    scan(inner, `${path}.${key}`, depth + 1);
  }
}

/**
 * Checks an analyst's aggregation: a known read model, at most MAX_STAGES
 * stages from the read-only allowlist, and no writing or code-running
 * operator anywhere inside (also nested in $facet or expressions).
 */
export function checkPipeline(
  collection: string,
  pipeline: unknown,
): { collection: (typeof ANALYTICS_COLLECTIONS)[number]; pipeline: Record<string, unknown>[] } {
  if (!(ANALYTICS_COLLECTIONS as readonly string[]).includes(collection)) {
    throw refuse('body.collection', `must be one of ${ANALYTICS_COLLECTIONS.join(', ')}`);
  }
  if (!Array.isArray(pipeline)) throw refuse('body.pipeline', 'must be an array of stages');
  if (pipeline.length > MAX_STAGES) throw refuse('body.pipeline', `at most ${MAX_STAGES} stages`);
  pipeline.forEach((stage, i) => {
    const path = `body.pipeline.${i}`;
    if (stage === null || typeof stage !== 'object' || Array.isArray(stage)) {
      throw refuse(path, 'a stage is an object with one operator');
    }
    const keys = Object.keys(stage);
    const [name] = keys;
    if (keys.length !== 1 || name === undefined)
      throw refuse(path, 'a stage has exactly one operator');
    if (FORBIDDEN.has(name)) throw refuse(`${path}.${name}`, `${name} is not allowed`);
    if (!ALLOWED_STAGES.has(name))
      throw refuse(`${path}.${name}`, `${name} is not an allowed stage`);
    scan((stage as Record<string, unknown>)[name], `${path}.${name}`, 0);
  });
  return {
    collection: collection as (typeof ANALYTICS_COLLECTIONS)[number],
    pipeline: pipeline as Record<string, unknown>[],
  };
}
