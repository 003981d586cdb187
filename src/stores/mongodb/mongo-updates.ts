import type { Update } from '../read-store.js';
import { InvalidWriteError } from './mongo-errors.js';

/** The update operators the port offers; anything else is refused before it reaches the server. */
export const UPDATE_OPERATORS: ReadonlySet<string> = new Set([
  '$set',
  '$unset',
  '$inc',
  '$push',
  '$pull',
  '$addToSet',
  '$min',
  '$max',
  '$mul',
  '$rename',
  '$setOnInsert',
  '$currentDate',
]);

const ARRAY_MODIFIERS: Readonly<Record<string, ReadonlySet<string>>> = {
  $push: new Set(['$each', '$slice', '$sort', '$position']),
  $addToSet: new Set(['$each']),
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks an update document the way the server would, so that a commit
 * without a transaction fails before its first write rather than halfway.
 */
export function validateUpdate(update: Update, where: string): void {
  const invalid = (problem: string) => new InvalidWriteError(`${where}: ${problem}`);
  if (!isPlainObject(update) || Object.keys(update).length === 0) {
    throw invalid('an update needs at least one operator');
  }
  const paths: string[] = [];
  for (const [operator, fields] of Object.entries(update)) {
    if (!UPDATE_OPERATORS.has(operator)) throw invalid(`unknown update operator ${operator}`);
    if (!isPlainObject(fields)) throw invalid(`${operator} takes a document of fields`);
    for (const [path, value] of Object.entries(fields)) {
      const problem = pathProblem(path) ?? valueProblem(operator, value);
      if (problem) throw invalid(`${operator} ${JSON.stringify(path)}: ${problem}`);
      paths.push(path);
      if (operator === '$rename' && typeof value === 'string') paths.push(value);
    }
  }
  const conflict = conflictingPaths(paths);
  if (conflict) {
    throw invalid(`${JSON.stringify(conflict[0])} and ${JSON.stringify(conflict[1])} conflict`);
  }
}

/** Field paths: no empty parts, no `_id`, and of the positional forms only `$[]` (no query or arrayFilters to match). */
function pathProblem(path: string): string | undefined {
  const parts = path.split('.');
  if (parts.some((part) => part === '')) return 'not a field path';
  if (parts[0] === '_id') return '_id cannot change';
  if (parts.some((part) => part.startsWith('$') && part !== '$[]')) {
    return 'only the $[] positional operator is supported';
  }
  return undefined;
}

function valueProblem(operator: string, value: unknown): string | undefined {
  switch (operator) {
    case '$inc':
    case '$mul':
      return typeof value === 'number' ? undefined : 'needs a number';
    case '$rename':
      return typeof value === 'string' ? pathProblem(value) : 'needs the new field path';
    case '$currentDate':
      return value === true ||
        (isPlainObject(value) && (value.$type === 'date' || value.$type === 'timestamp'))
        ? undefined
        : "needs true or { $type: 'date' | 'timestamp' }";
    case '$push':
    case '$addToSet':
      return modifierProblem(ARRAY_MODIFIERS[operator], value);
    default:
      return undefined;
  }
}

function modifierProblem(
  allowed: ReadonlySet<string> | undefined,
  value: unknown,
): string | undefined {
  if (!isPlainObject(value)) return undefined;
  const modifiers = Object.keys(value).filter((key) => key.startsWith('$'));
  if (modifiers.length === 0) return undefined;
  const unknown = modifiers.find((key) => !allowed?.has(key));
  if (unknown) return `unknown modifier ${unknown}`;
  return Array.isArray(value.$each) ? undefined : '$each needs an array';
}

/** Two paths conflict when they are equal or one lies inside the other. */
export function conflictingPaths(paths: readonly string[]): [string, string] | undefined {
  const seen = new Set<string>();
  for (const path of paths) {
    if (seen.has(path)) return [path, path];
    seen.add(path);
  }
  for (const path of paths) {
    const parts = path.split('.');
    for (let length = 1; length < parts.length; length++) {
      const prefix = parts.slice(0, length).join('.');
      if (seen.has(prefix)) return [prefix, path];
    }
  }
  return undefined;
}
