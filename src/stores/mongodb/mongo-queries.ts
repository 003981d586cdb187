import type { Document, FindOptions as MongoFindOptions } from 'mongodb';
import type { AggregateOptions, FindOptions } from '../read-store.js';
import { InvalidQueryError } from './mongo-errors.js';

/** Stages that write: read-model queries must not change read models. */
const WRITING_STAGES: ReadonlySet<string> = new Set(['$out', '$merge']);

const isCount = (n: number) => Number.isSafeInteger(n) && n >= 0;

/** The driver's options for a find; undefined when the result is empty by construction (limit 0, which MongoDB would read as "no limit"). */
export function toFindOptions(options: FindOptions): MongoFindOptions | undefined {
  const { sort, limit, skip, projection } = options;
  if (limit !== undefined && !isCount(limit)) throw new InvalidQueryError(`Bad limit: ${limit}`);
  if (skip !== undefined && !isCount(skip)) throw new InvalidQueryError(`Bad skip: ${skip}`);
  if (limit === 0) return undefined;
  return {
    ...(sort ? { sort: { ...sort } } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(skip ? { skip } : {}),
    ...(projection ? { projection: { ...projection } } : {}),
  };
}

/**
 * The pipeline to run: writing stages refused and, with `maxResults`, a final
 * `$limit` of one more than allowed, so that going over the bound is seen
 * without fetching the whole result.
 */
export function boundedPipeline(
  pipeline: readonly Readonly<Record<string, unknown>>[],
  maxResults: number | undefined,
): Document[] {
  const stages: Document[] = pipeline.map((stage) => {
    const writing = Object.keys(stage).find((name) => WRITING_STAGES.has(name));
    if (writing) throw new InvalidQueryError(`Read-model queries cannot use ${writing}`);
    return stage;
  });
  if (maxResults === undefined) return stages;
  if (!isCount(maxResults)) throw new InvalidQueryError(`Bad maxResults: ${maxResults}`);
  return [...stages, { $limit: maxResults + 1 }];
}

/** MongoDB reads `maxTimeMS: 0` as "no limit"; the port's limit always limits. */
export function toAggregateOptions(options: AggregateOptions): { maxTimeMS?: number } {
  if (options.maxTimeMs === undefined) return {};
  if (!(options.maxTimeMs >= 0)) throw new InvalidQueryError(`Bad maxTimeMs: ${options.maxTimeMs}`);
  return { maxTimeMS: Math.max(1, Math.ceil(options.maxTimeMs)) };
}
