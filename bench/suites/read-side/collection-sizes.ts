import Database from 'better-sqlite3';
import fs from 'node:fs/promises';
import path from 'node:path';
import { quoteIdentifier, tableName } from '../../../src/stores/embedded/sql-names.js';

export interface CollectionSize {
  readonly collection: string;
  readonly documents: number;
  /** Bytes of a document's JSON as stored. */
  readonly meanBytes: number;
  readonly maxBytes: number;
}

/** Documents and their JSON sizes per collection, read from the embedded read store's file. */
export function collectionSizes(dataDir: string, names: readonly string[]): CollectionSize[] {
  const db = new Database(path.join(dataDir, 'read-models.sqlite'), { readonly: true });
  try {
    return names.map((collection) => {
      const row = db
        .prepare<[], { n: number; mean: number | null; max: number | null }>(
          `SELECT count(*) AS n, avg(length(doc)) AS mean, max(length(doc)) AS max FROM ${quoteIdentifier(tableName(collection))}`,
        )
        .get();
      return {
        collection,
        documents: row?.n ?? 0,
        meanBytes: row?.mean ?? 0,
        maxBytes: row?.max ?? 0,
      };
    });
  } finally {
    db.close();
  }
}

/** Product buckets per sales day document, on average. */
export function meanSalesProducts(dataDir: string): number {
  const db = new Database(path.join(dataDir, 'read-models.sqlite'), { readonly: true });
  try {
    const mean = db
      .prepare<[], number | null>(
        `SELECT avg(json_array_length(doc, '$.products')) FROM ${quoteIdentifier(tableName('sales'))}`,
      )
      .pluck()
      .get();
    return mean ?? 0;
  } finally {
    db.close();
  }
}

/** The read store's files (database, WAL), in bytes. */
export async function readStoreBytes(dataDir: string): Promise<number> {
  const files = await fs.readdir(dataDir);
  const sizes = await Promise.all(files.map((f) => fs.stat(path.join(dataDir, f))));
  return sizes.reduce((sum, s) => sum + s.size, 0);
}
