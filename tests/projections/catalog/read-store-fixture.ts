import type { Doc, ReadStore } from '../../../src/stores/read-store.js';
import { MemoryReadStore } from '../../support/memory-read-store.js';

/** A fresh read store for query tests. */
export async function openReadStore(): Promise<ReadStore> {
  return new MemoryReadStore();
}

/** Puts projected documents (keyed `${collection}/${id}`) into the store. */
export async function putDocs(store: ReadStore, docs: ReadonlyMap<string, Doc>): Promise<void> {
  await store.commit(
    'test-seed',
    undefined,
    [...docs].map(([key, doc]) => ({
      kind: 'put' as const,
      collection: key.slice(0, key.indexOf('/')),
      doc,
    })),
  );
}
