import type { AnyBulkWriteOperation, Document } from 'mongodb';
import type { Doc, Write } from '../read-store.js';
import { assertUserCollection } from './mongo-collections.js';
import { InvalidWriteError } from './mongo-errors.js';
import { validateUpdate } from './mongo-updates.js';

/** Read-model documents as the driver sees them: string ids, any fields. */
export interface StoredDoc extends Document {
  _id: string;
}

export type BulkOperation = AnyBulkWriteOperation<StoredDoc>;

/** One collection's share of a commit, in the order the writes were given. */
export interface CollectionBatch {
  readonly collection: string;
  readonly operations: BulkOperation[];
}

/** Puts replace (or insert) the whole document, updates apply operators, deletes remove. */
export function toBulkOperation(write: Write): BulkOperation {
  switch (write.kind) {
    case 'put':
      return {
        replaceOne: { filter: { _id: write.doc._id }, replacement: write.doc, upsert: true },
      };
    case 'update':
      return {
        updateOne: {
          filter: { _id: write.id },
          update: write.update,
          upsert: write.upsert === true,
        },
      };
    case 'delete':
      return { deleteOne: { filter: { _id: write.id } } };
    default: {
      const _: never = write;
      throw new InvalidWriteError(`Unknown write: ${JSON.stringify(_)}`);
    }
  }
}

/**
 * Validates every write, then groups them by collection (first appearance
 * first). Each write touches one document of one collection, so only the order
 * within a collection matters; each batch runs as one ordered bulkWrite.
 */
export function toCollectionBatches(writes: readonly Write[]): CollectionBatch[] {
  const batches = new Map<string, BulkOperation[]>();
  writes.forEach((write, index) => {
    validateWrite(write, `write ${index} (${write.kind} in ${write.collection})`);
    const operations = batches.get(write.collection) ?? [];
    operations.push(toBulkOperation(write));
    batches.set(write.collection, operations);
  });
  return [...batches].map(([collection, operations]) => ({ collection, operations }));
}

function validateWrite(write: Write, where: string): void {
  assertUserCollection(write.collection);
  if (write.kind === 'put') {
    validateDoc(write.doc, where);
    return;
  }
  if (typeof write.id !== 'string') throw new InvalidWriteError(`${where}: the id is not a string`);
  if (write.kind === 'update') validateUpdate(write.update, where);
}

function validateDoc(doc: Doc, where: string): void {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new InvalidWriteError(`${where}: not a document`);
  }
  if (typeof doc._id !== 'string') throw new InvalidWriteError(`${where}: _id is not a string`);
  const operator = Object.keys(doc).find((key) => key.startsWith('$'));
  if (operator) {
    throw new InvalidWriteError(`${where}: a stored document cannot have a field ${operator}`);
  }
}
