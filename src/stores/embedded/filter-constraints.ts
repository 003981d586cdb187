import type { Filter } from '../read-store.js';
import { equalityKey, rangeType, type KeyValue, type RangeType } from './index-keys.js';

export interface Bound {
  readonly value: string | number;
  readonly inclusive: boolean;
}

/**
 * What a filter says about one field, in terms an index can serve: an
 * equality, a list of values, or a range within one type. `exact` when the
 * field's conditions say nothing more; otherwise the constraint is implied by
 * them (a superset of the matches, which mingo then narrows).
 */
export type FieldConstraint = (
  | { readonly op: 'eq'; readonly values: readonly [unknown]; readonly keys: readonly [KeyValue] }
  | { readonly op: 'in'; readonly values: readonly unknown[]; readonly keys: readonly KeyValue[] }
  /** Every value, as `$all` asks (an array field holding each of them). */
  | { readonly op: 'all'; readonly values: readonly unknown[]; readonly keys: readonly KeyValue[] }
  | {
      readonly op: 'range';
      readonly type: RangeType;
      readonly lower?: Bound;
      readonly upper?: Bound;
    }
) & { readonly exact: boolean };

export interface FilterConstraints {
  readonly fields: ReadonlyMap<string, FieldConstraint>;
  /** The filter says nothing beyond `fields`, and each of them is exact. */
  readonly exact: boolean;
  /**
   * Values a top-level `$nin` rules out, per field (strings and numbers
   * only). `exact` counts them as uncaptured; `exactExcluding` says whether
   * the filter says nothing more than `fields` and these, so that a plan
   * applying every one of them selects exactly the matches.
   */
  readonly exclusions: ReadonlyMap<string, readonly KeyValue[]>;
  readonly exactExcluding: boolean;
  /**
   * Per field given several membership conditions (`eq`, `in`, `all`, as
   * `$and` parts), every one of them: `fields` keeps only one, but on an
   * array each may hold for another element, so an element index can test
   * them all. `exactConjoined` says whether the filter says nothing more
   * than `fields` with these lists in place of their one constraint.
   */
  readonly conjuncts: ReadonlyMap<string, readonly MembershipConstraint[]>;
  readonly exactConjoined: boolean;
}

export type MembershipConstraint = Exclude<FieldConstraint, { op: 'range' }>;

const RANGE_OPERATORS = { $gt: 'lower', $gte: 'lower', $lt: 'upper', $lte: 'upper' } as const;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.getPrototypeOf(value) === Object.prototype;

const isOperatorObject = (value: unknown): value is Record<string, unknown> =>
  isPlainObject(value) &&
  Object.keys(value).length > 0 &&
  Object.keys(value).every((key) => key.startsWith('$'));

/** The constraints every document matching `filter` satisfies. */
export function filterConstraints(filter: Filter): FilterConstraints {
  const fields = new Map<string, FieldConstraint>();
  const exclusions = new Map<string, readonly KeyValue[]>();
  const lists = new Map<string, FieldConstraint[]>();
  let exact = true;
  let exactExcluding = true;
  let captured = true;
  const add = (
    field: string,
    constraint: FieldConstraint | undefined,
    fullyCaptured: boolean,
    capturedExcluding = fullyCaptured,
  ) => {
    if (!fullyCaptured) exact = captured = false;
    if (!capturedExcluding) exactExcluding = false;
    if (!constraint) return;
    const known = fields.get(field);
    fields.set(field, known ? intersect(known, constraint) : constraint);
    lists.set(field, [...(lists.get(field) ?? []), constraint]);
  };
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value) && value.every(isPlainObject)) {
      for (const part of value.map(filterConstraints)) {
        if (!part.exact) exact = exactExcluding = captured = false;
        for (const [field, constraint] of part.fields) add(field, constraint, constraint.exact);
      }
    } else if (key === '$or' && Array.isArray(value) && value.length > 0) {
      exact = exactExcluding = captured = false;
      if (!value.every(isPlainObject)) continue;
      for (const [field, constraint] of hull(value.map(filterConstraints))) {
        add(field, constraint, false);
      }
    } else if (key === '$comment') {
      continue;
    } else if (key.startsWith('$')) {
      exact = exactExcluding = captured = false;
    } else {
      const { constraint, fullyCaptured, excluded, capturedExcluding } = fieldConstraint(value);
      if (excluded) exclusions.set(key, excluded);
      add(key, constraint, fullyCaptured, capturedExcluding);
    }
  }
  for (const constraint of fields.values()) {
    if (!constraint.exact) exact = exactExcluding = false;
  }
  const conjuncts = new Map<string, MembershipConstraint[]>();
  let exactConjoined = captured && exclusions.size === 0;
  for (const [field, list] of lists) {
    const memberships = list.filter((c): c is MembershipConstraint => c.op !== 'range');
    if (list.length > 1 && memberships.length === list.length) conjuncts.set(field, memberships);
    const constraint = list.length > 1 ? undefined : fields.get(field);
    if (!(constraint?.exact ?? (conjuncts.has(field) && memberships.every((c) => c.exact)))) {
      exactConjoined = false;
    }
  }
  return { fields, exact, exclusions, exactExcluding, conjuncts, exactConjoined };
}

function fieldConstraint(condition: unknown): {
  constraint?: FieldConstraint;
  fullyCaptured: boolean;
  /** What a `$nin` of strings and numbers rules out. */
  excluded?: readonly KeyValue[];
  /** Captured once `excluded` is applied. */
  capturedExcluding: boolean;
} {
  if (!isOperatorObject(condition)) {
    const constraint = equality(condition);
    const captured = constraint !== undefined;
    return {
      ...(constraint && { constraint }),
      fullyCaptured: captured,
      capturedExcluding: captured,
    };
  }
  let constraint: FieldConstraint | undefined;
  let excluded: readonly KeyValue[] | undefined;
  let fullyCaptured = true;
  let capturedExcluding = true;
  for (const [operator, argument] of Object.entries(condition)) {
    if (operator === '$nin' && excluded === undefined && isScalarList(argument)) {
      excluded = argument;
      fullyCaptured = false;
      continue;
    }
    const next = operatorConstraint(operator, argument);
    if (!next) fullyCaptured = capturedExcluding = false;
    else constraint = constraint ? intersect(constraint, next) : next;
  }
  if (constraint && !constraint.exact) fullyCaptured = capturedExcluding = false;
  return {
    ...(constraint && { constraint }),
    fullyCaptured,
    ...(excluded && { excluded }),
    capturedExcluding,
  };
}

/** Strings and numbers, whose keys are themselves, as `$nin`'s list. */
const isScalarList = (value: unknown): value is (string | number)[] =>
  Array.isArray(value) &&
  value.length > 0 &&
  value.every((v) => typeof v === 'string' || (typeof v === 'number' && !Number.isNaN(v)));

function operatorConstraint(operator: string, argument: unknown): FieldConstraint | undefined {
  if (operator === '$eq') return equality(argument);
  if (operator === '$in') {
    if (!Array.isArray(argument) || argument.length === 0) return undefined;
    const keys = argument.map(equalityKey);
    if (!keys.every((k) => k !== undefined)) return undefined;
    return { op: 'in', values: argument, keys, exact: true };
  }
  if (operator === '$all') {
    if (!Array.isArray(argument) || argument.length === 0) return undefined;
    const keys = argument.map(equalityKey);
    if (!keys.every((k) => k !== undefined)) return undefined;
    // One value: the same as an equality, for arrays and scalars alike.
    if (argument.length === 1)
      return { op: 'eq', values: [argument[0]], keys: [keys[0]!], exact: true };
    return { op: 'all', values: argument, keys, exact: true };
  }
  if (Object.hasOwn(RANGE_OPERATORS, operator)) {
    const type = rangeType(argument);
    if (!type) return undefined;
    const side = RANGE_OPERATORS[operator as keyof typeof RANGE_OPERATORS];
    const bound = { value: argument as string | number, inclusive: operator.endsWith('e') };
    return { op: 'range', type, [side]: bound, exact: true };
  }
  return undefined;
}

function equality(value: unknown): FieldConstraint | undefined {
  const key = equalityKey(value);
  return key === undefined ? undefined : { op: 'eq', values: [value], keys: [key], exact: true };
}

const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/** Both constraints hold: keeps the more selective one, or narrows two ranges of one type. */
function intersect(a: FieldConstraint, b: FieldConstraint): FieldConstraint {
  if (a.op === 'range' && b.op === 'range' && a.type === b.type) {
    const lower = pick(a.lower, b.lower, 1);
    const upper = pick(a.upper, b.upper, -1);
    return {
      op: 'range',
      type: a.type,
      ...(lower && { lower }),
      ...(upper && { upper }),
      exact: a.exact && b.exact,
    };
  }
  const rank = { eq: 0, all: 0, in: 1, range: 2 };
  return { ...(rank[b.op] < rank[a.op] ? b : a), exact: false };
}

/** The tighter of two bounds: the larger lower bound (`direction` 1) or the smaller upper bound (-1). */
function pick(a: Bound | undefined, b: Bound | undefined, direction: 1 | -1): Bound | undefined {
  if (!a || !b) return a ?? b;
  const order = compare(a.value, b.value) * direction;
  if (order !== 0) return order > 0 ? a : b;
  return a.inclusive ? b : a;
}

/** What every disjunct of an `$or` implies: for fields constrained in all of them, the union. */
function hull(disjuncts: readonly FilterConstraints[]): Map<string, FieldConstraint> {
  const result = new Map<string, FieldConstraint>();
  const [first, ...rest] = disjuncts;
  for (const [field, constraint] of first?.fields ?? []) {
    let union: FieldConstraint | undefined = constraint;
    for (const other of rest) {
      const next = other.fields.get(field);
      union = union && next && unite(union, next);
    }
    if (union) result.set(field, { ...union, exact: false });
  }
  return result;
}

function unite(a: FieldConstraint, b: FieldConstraint): FieldConstraint | undefined {
  if (a.op !== 'range' && b.op !== 'range') {
    return {
      op: 'in',
      values: [...a.values, ...b.values],
      keys: [...a.keys, ...b.keys],
      exact: false,
    };
  }
  const ra = asRange(a);
  const rb = asRange(b);
  if (!ra || !rb || ra.type !== rb.type) return undefined;
  const lower = ra.lower && rb.lower && loosest(ra.lower, rb.lower, -1);
  const upper = ra.upper && rb.upper && loosest(ra.upper, rb.upper, 1);
  if (!lower && !upper) return undefined;
  return {
    op: 'range',
    type: ra.type,
    ...(lower && { lower }),
    ...(upper && { upper }),
    exact: false,
  };
}

function loosest(a: Bound, b: Bound, direction: 1 | -1): Bound {
  const order = compare(a.value, b.value) * direction;
  if (order !== 0) return order > 0 ? a : b;
  return a.inclusive ? a : b;
}

/** Equalities as the range from their least to their greatest value, when all are of one range type. */
function asRange(c: FieldConstraint): Extract<FieldConstraint, { op: 'range' }> | undefined {
  if (c.op === 'range') return c;
  const type = rangeType(c.values[0]);
  if (!type || !c.values.every((v) => rangeType(v) === type)) return undefined;
  const values = (c.values as (string | number)[]).slice().sort(compare);
  return {
    op: 'range',
    type,
    lower: { value: values[0]!, inclusive: true },
    upper: { value: values[values.length - 1]!, inclusive: true },
    exact: false,
  };
}
