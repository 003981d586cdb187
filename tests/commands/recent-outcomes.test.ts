import {
  noOutcomes,
  recall,
  remember,
  type RecentOutcomes,
} from '../../src/commands/recent-outcomes.js';

const limits = { groupSize: 2, groups: 3 };
const rememberAll = (ids: readonly string[], from: RecentOutcomes<string> = noOutcomes) =>
  ids.reduce((history, id) => remember(history, id, `outcome of ${id}`, limits), from);

describe('recent outcomes', () => {
  it('recalls what was remembered, and nothing for other ids', () => {
    const history = rememberAll(['b', 'a']);
    expect(recall(history, 'a')).toBe('outcome of a');
    expect(recall(history, 'b')).toBe('outcome of b');
    expect(recall(history, 'c')).toBeUndefined();
    expect(recall(noOutcomes, '')).toBeUndefined();
  });

  it('fills groups of groupSize and drops the oldest group past `groups`', () => {
    const history = rememberAll(['a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
    expect(history.groups).toHaveLength(3);
    expect(history.forgottenThrough).toBe('');
    const next = rememberAll(['a7'], history);
    expect(next.groups.map((group) => Object.keys(group))).toEqual([
      ['a3', 'a4'],
      ['a5', 'a6'],
      ['a7'],
    ]);
    expect(next.forgottenThrough).toBe('a2');
  });

  it('answers forgotten for every dropped id and any id sorting before one', () => {
    const history = rememberAll(['k', 'c', 'x', 'y', 'z', 'zz', 'zzz']);
    expect(history.forgottenThrough).toBe('k');
    expect(recall(history, 'k')).toBe('forgotten');
    expect(recall(history, 'c')).toBe('forgotten');
    expect(recall(history, 'b')).toBe('forgotten');
    expect(recall(history, 'l')).toBeUndefined();
    expect(recall(history, 'x')).toBe('outcome of x');
  });

  it('never lowers forgottenThrough', () => {
    const history = rememberAll(['m', 'n', 'a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(history.forgottenThrough).toBe('n');
  });

  it('recalls the latest outcome of an id remembered twice', () => {
    let history = rememberAll(['a', 'b', 'c']);
    history = remember(history, 'a', 'later', limits);
    expect(recall(history, 'a')).toBe('later');
  });

  it('copies at most one group per outcome and leaves the history it was given unchanged', () => {
    const before = rememberAll(['a', 'b', 'c']);
    const frozen = JSON.stringify(before);
    const after = remember(before, 'd', 'outcome of d', limits);
    expect(JSON.stringify(before)).toBe(frozen);
    expect(after.groups[0]).toBe(before.groups[0]);
  });

  it('treats ids named like Object.prototype members as ordinary ids and survives JSON', () => {
    const history = rememberAll(['__proto__', 'constructor', 'toString']);
    expect(recall(history, '__proto__')).toBe('outcome of __proto__');
    expect(recall(history, 'hasOwnProperty')).toBeUndefined();
    const copy = JSON.parse(JSON.stringify(history)) as RecentOutcomes<string>;
    expect(copy).toEqual(history);
    expect(recall(copy, '__proto__')).toBe('outcome of __proto__');
    expect(recall(copy, 'constructor')).toBe('outcome of constructor');
  });
});
