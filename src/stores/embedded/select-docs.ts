import { Query } from 'mingo';
import type { Doc, Filter, SortSpec } from '../read-store.js';
import { planQuery, planSql } from './index-planner.js';
import { inSortOrder, page } from './ordered-matches.js';
import type { ReadConnection } from './read-connection.js';
import type { RegisteredCollection } from './registry.js';

export interface Selection {
  readonly filter: Filter;
  readonly sort?: SortSpec;
  readonly skip: number;
  /** Undefined: all. */
  readonly limit?: number;
}

/** Called for every document read; throws to give up (a time limit). */
export type Watchdog = () => void;

/**
 * The selected documents, lazily: candidates come from the plan's walk, mingo
 * keeps those matching the whole filter, and reading stops once the page is
 * complete. Run inside a read transaction; closing the generator early
 * releases the statement.
 */
export function* selectDocs<T extends Doc>(
  connection: ReadConnection,
  collection: RegisteredCollection | undefined,
  selection: Selection,
  watchdog?: Watchdog,
  /** Gets the statement's row iterator, to close it if the generator is cut off without cleaning up. */
  onOpen?: (rows: Iterator<unknown>) => void,
): Generator<T> {
  if (!collection) return;
  const plan = planQuery(selection.filter, selection.sort, collection.indexes);
  const sql = planSql(collection.table, plan, 'doc');
  // When the plan's conditions are the whole filter (as counts rely on), every
  // row matches: mingo need not test them (building its query is most of a
  // small lookup's work).
  const query = plan.exact ? undefined : new Query(selection.filter, {});
  function* matches(): Generator<T> {
    const rows = connection.statement<string>(sql, true).iterate(...plan.params);
    onOpen?.(rows);
    for (const json of rows) {
      watchdog?.();
      const doc = JSON.parse(json) as T;
      if (!query || query.test(doc)) yield doc;
    }
  }
  yield* page(inSortOrder(matches(), plan, selection.sort), selection.skip, selection.limit);
}

/** How many documents match; without reading them when the index conditions are the whole filter. */
export function countDocs(
  connection: ReadConnection,
  collection: RegisteredCollection | undefined,
  filter: Filter,
): number {
  if (!collection) return 0;
  const plan = planQuery(filter, undefined, collection.indexes);
  if (plan.exact) {
    const sql = planSql(collection.table, plan, 'count(*)');
    return connection.statement<number>(sql, true).get(...plan.params) ?? 0;
  }
  let count = 0;
  for (const _ of selectDocs(connection, collection, { filter, skip: 0 })) count++;
  return count;
}
