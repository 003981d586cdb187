import type { Db, IndexDescription } from 'mongodb';
import type { IndexSpec } from '../read-store.js';
import { isNamespaceNotFound } from './mongo-errors.js';

export const CHECKPOINTS_COLLECTION = '_checkpoints';
export const LEASES_COLLECTION = '_leases';

const INTERNAL_COLLECTIONS: ReadonlySet<string> = new Set([
  CHECKPOINTS_COLLECTION,
  LEASES_COLLECTION,
]);

/** Read-model collections: not the store's own bookkeeping, not the server's `system.*`. */
export function isUserCollection(name: string): boolean {
  return name !== '' && !INTERNAL_COLLECTIONS.has(name) && !name.startsWith('system.');
}

/** Keeps read models from overwriting checkpoints, leases or server collections. */
export function assertUserCollection(name: string): void {
  if (!isUserCollection(name)) {
    throw new RangeError(`Not a read-model collection name: ${JSON.stringify(name)}`);
  }
}

/** `unique` only when set: the server compares index options when an index already exists. */
export function toIndexDescriptions(indexes: readonly IndexSpec[]): IndexDescription[] {
  return indexes.map((index) => ({
    name: index.name,
    key: { ...index.keys },
    ...(index.unique ? { unique: true } : {}),
  }));
}

export async function listUserCollections(db: Db): Promise<string[]> {
  const infos = await db
    .listCollections({}, { nameOnly: true, authorizedCollections: true })
    .toArray();
  return infos
    .filter((info) => (info.type ?? 'collection') === 'collection' && isUserCollection(info.name))
    .map((info) => info.name)
    .sort();
}

/**
 * Replaces `to` with `from` in one server command; indexes go along. A
 * missing `from` is an empty collection, so `to` ends up empty too.
 */
export async function renameOver(db: Db, from: string, to: string): Promise<void> {
  if (from === to) return;
  try {
    await db.renameCollection(from, to, { dropTarget: true });
  } catch (error) {
    if (!isNamespaceNotFound(error)) throw error;
    await db.dropCollection(to);
  }
}
