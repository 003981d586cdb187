import { find } from 'mingo';
import type { Doc, SortSpec } from '../read-store.js';
import { orderToken, pathSegments, valueAt } from './index-keys.js';
import type { QueryPlan } from './index-planner.js';

export const sortDocs = <T extends Doc>(docs: T[], sort: SortSpec): T[] =>
  find(docs, {})
    .sort({ ...sort })
    .all() as T[];

/**
 * The matches in the sort's order, lazily where the plan's walk provides it.
 * Documents whose walked keys are equal arrive together; they are sorted by
 * the rest of the sort before they are passed on, as are objects (whose keys
 * all sort alike). Without a usable walk, everything is read and sorted.
 */
export function* inSortOrder<T extends Doc>(
  matches: Iterable<T>,
  plan: QueryPlan,
  sort: SortSpec | undefined,
): Generator<T> {
  if (!sort || (plan.sorted && plan.ordered.length === 0)) {
    yield* matches;
  } else if (plan.ordered.length === 0) {
    yield* sortDocs([...matches], sort);
  } else {
    yield* byWalkedKeys(matches, plan, sort);
  }
}

function* byWalkedKeys<T extends Doc>(
  matches: Iterable<T>,
  plan: QueryPlan,
  sort: SortSpec,
): Generator<T> {
  const paths = plan.ordered.map((field) => (field === '_id' ? ['_id'] : pathSegments(field)));
  let group: T[] = [];
  let groupKey: string | undefined;
  function* flush(): Generator<T> {
    yield* group.length > 1 ? sortDocs(group, sort) : group;
    group = [];
  }
  for (const doc of matches) {
    const tokens: string[] = [];
    let trusted = true;
    for (const segments of paths) {
      const token = orderToken(valueAt(doc, segments));
      tokens.push(token ?? '*');
      if (token === undefined) {
        trusted = false;
        break;
      }
    }
    if (plan.sorted && trusted) {
      yield* flush();
      groupKey = undefined;
      yield doc;
      continue;
    }
    const key = JSON.stringify(tokens);
    if (key !== groupKey) {
      yield* flush();
      groupKey = key;
    }
    group.push(doc);
  }
  yield* flush();
}

/** Skips `skip` documents and stops after `limit` more. */
export function* page<T>(docs: Iterable<T>, skip: number, limit: number | undefined): Generator<T> {
  if (limit === 0) return;
  let seen = 0;
  for (const doc of docs) {
    seen++;
    if (seen <= skip) continue;
    yield doc;
    if (limit !== undefined && seen - skip >= limit) return;
  }
}
