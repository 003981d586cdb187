import { PROJECTIONS } from '../../../../src/projections/read-models.js';
import { DEAD_LETTERS } from '../../../../src/projections/dead-letters.js';
import { startProjection } from '../../../../src/projections/projection-runner.js';
import type { EventStore } from '../../../../src/stores/event-store.js';
import type { Doc, ReadStore } from '../../../../src/stores/read-store.js';
import { MemoryReadStore } from '../../../support/memory-read-store.js';

export type Documents = Map<string, Doc>;

/** Every document of every read model, by `${collection}/${_id}`. */
export async function readModelDocuments(store: ReadStore): Promise<Documents> {
  const docs: Documents = new Map();
  for (const projection of PROJECTIONS) {
    for (const { name } of projection.collections) {
      for (const doc of await store.collection(name).find({})) docs.set(`${name}/${doc._id}`, doc);
    }
  }
  return docs;
}

/** Projects the whole log into a fresh store, with the engine's own runner. */
export async function rebuildReadModels(eventStore: EventStore, head: string): Promise<Documents> {
  const fresh = new MemoryReadStore();
  for (const projection of PROJECTIONS) {
    const runner = startProjection(projection, {
      eventStore,
      readStore: fresh,
      holder: 'chaos-audit',
    });
    try {
      await runner.waitFor(head, 120_000);
    } finally {
      await runner.stop();
    }
  }
  return readModelDocuments(fresh);
}

/** The live read models equal the rebuild, document for document; nothing was parked. */
export async function auditReadModels(live: ReadStore, rebuilt: Documents): Promise<string[]> {
  const violations: string[] = [];
  const current = await readModelDocuments(live);
  for (const key of new Set([...current.keys(), ...rebuilt.keys()])) {
    const a = current.get(key);
    const b = rebuilt.get(key);
    if (JSON.stringify(canonical(a)) !== JSON.stringify(canonical(b))) {
      violations.push(`${key}: live ${JSON.stringify(a)}\n  rebuilt ${JSON.stringify(b)}`);
    }
  }
  const parked = await live.collection(DEAD_LETTERS).find({});
  for (const letter of parked) violations.push(`dead letter ${JSON.stringify(letter)}`);
  return violations;
}

/** Key order does not matter to a document. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}
