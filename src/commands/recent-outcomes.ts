/**
 * Outcomes remembered by id, for a bounded number of the most recent ones.
 * They are kept in groups: new outcomes go into the last group, and once it
 * is full a new group is opened and, past `groups` groups, the oldest one is
 * dropped. Recording an outcome copies one group (at most `groupSize` keys),
 * never the whole history.
 *
 * Every id ever dropped sorts at or before `forgottenThrough`, so an id after
 * it that is not found was never recorded, and one at or before it may have
 * been. Ids that grow with time (UUID v7 order ids) keep the second case to
 * stragglers far behind the ids being recorded.
 *
 * Plain records and arrays, so it survives a JSON round trip (snapshots).
 */
export interface RecentOutcomes<V> {
  /** Oldest first; the last one is being filled. A later entry for an id replaces an earlier one. */
  readonly groups: readonly Readonly<Record<string, V>>[];
  /** The greatest id dropped so far ('' when none was). */
  readonly forgottenThrough: string;
}

export interface OutcomeLimits {
  readonly groupSize: number;
  readonly groups: number;
}

export const noOutcomes: RecentOutcomes<never> = { groups: [], forgottenThrough: '' };

export function remember<V>(
  history: RecentOutcomes<V>,
  id: string,
  outcome: V,
  limits: OutcomeLimits,
): RecentOutcomes<V> {
  const { groups } = history;
  const open = groups[groups.length - 1];
  if (open && Object.keys(open).length < limits.groupSize) {
    return { ...history, groups: [...groups.slice(0, -1), { ...open, [id]: outcome }] };
  }
  const full = groups.length >= limits.groups;
  const dropped = full ? groups[0] : undefined;
  return {
    groups: [...(full ? groups.slice(1) : groups), { [id]: outcome }],
    forgottenThrough: dropped
      ? greatest(Object.keys(dropped), history.forgottenThrough)
      : history.forgottenThrough,
  };
}

/** The latest outcome recorded for `id`, 'forgotten' when it may have been dropped, else undefined. */
export function recall<V>(history: RecentOutcomes<V>, id: string): V | 'forgotten' | undefined {
  for (let i = history.groups.length - 1; i >= 0; i--) {
    const group = history.groups[i];
    // Own keys only: an id such as "constructor" must not find Object.prototype's.
    if (group && Object.hasOwn(group, id)) return group[id];
  }
  const { forgottenThrough } = history;
  return forgottenThrough !== '' && id <= forgottenThrough ? 'forgotten' : undefined;
}

function greatest(ids: readonly string[], floor: string): string {
  return ids.reduce((max, id) => (id > max ? id : max), floor);
}
