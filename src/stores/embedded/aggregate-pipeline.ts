import { Aggregator } from 'mingo';
import { ReadStoreLimitError, type Filter, type SortSpec } from '../read-store.js';
import type { Selection, Watchdog } from './select-docs.js';

export type Stage = Readonly<Record<string, unknown>>;

const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isSortSpec = (value: unknown): value is SortSpec =>
  isPlainObject(value) &&
  Object.keys(value).length > 0 &&
  Object.values(value).every((d) => d === 1 || d === -1);

/** The single operator of a stage and its argument. */
function stageOf(stage: Stage | undefined): [string, unknown] | undefined {
  const entries = stage ? Object.entries(stage) : [];
  return entries.length === 1 ? entries[0] : undefined;
}

/**
 * Splits a pipeline into the selection its leading `$match`, `$sort`,
 * `$skip` and `$limit` stages make (which the index planner serves, as for a
 * find) and the stages mingo runs on the selected documents.
 */
export function splitPipeline(pipeline: readonly Stage[]): {
  selection: Selection;
  rest: Stage[];
} {
  let i = 0;
  const matches: Filter[] = [];
  for (;;) {
    const [operator, filter] = stageOf(pipeline[i]) ?? [];
    if (operator !== '$match' || !isPlainObject(filter)) break;
    matches.push(filter);
    i++;
  }
  let sort: SortSpec | undefined;
  const sortStage = stageOf(pipeline[i]);
  if (sortStage?.[0] === '$sort' && isSortSpec(sortStage[1])) {
    sort = sortStage[1];
    i++;
  }
  let skip = 0;
  let limit: number | undefined;
  for (let s = stageOf(pipeline[i]); s; s = stageOf(pipeline[++i])) {
    const [operator, n] = s;
    if (operator === '$skip' && isCount(n)) {
      skip += n;
      if (limit !== undefined) limit = Math.max(0, limit - n);
    } else if (operator === '$limit' && isCount(n) && n > 0) {
      limit = Math.min(limit ?? n, n);
    } else {
      break;
    }
  }
  const filter = matches.length === 1 ? matches[0]! : matches.length ? { $and: matches } : {};
  return {
    selection: { filter, ...(sort && { sort }), skip, ...(limit !== undefined && { limit }) },
    rest: pipeline.slice(i),
  };
}

/**
 * Runs `stages` over `docs` one stage at a time, lazily, checking the
 * watchdog between stages; gives up once the output passes `maxResults`.
 */
export function runStages(
  docs: Iterable<unknown>,
  stages: readonly Stage[],
  maxResults: number | undefined,
  watchdog: Watchdog | undefined,
): Record<string, unknown>[] {
  let stream: Iterable<unknown> = docs;
  for (const stage of stages) {
    const output = new Aggregator([{ ...stage }], {}).stream(stream);
    stream = watched(output, watchdog);
  }
  const rows: Record<string, unknown>[] = [];
  for (const row of stream) {
    if (maxResults !== undefined && rows.length >= maxResults) {
      throw new ReadStoreLimitError(`The aggregation returns more than ${maxResults} results`);
    }
    rows.push(row as Record<string, unknown>);
  }
  return rows;
}

function* watched(
  iterator: { next(): { done: boolean; value?: unknown } },
  watchdog: Watchdog | undefined,
): Generator<unknown> {
  for (let r = iterator.next(); !r.done; r = iterator.next()) {
    watchdog?.();
    yield r.value;
  }
}
