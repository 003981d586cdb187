import path from 'node:path';
import { PROJECTIONS } from '../../../src/projections/read-models.js';
import { startProjection } from '../../../src/projections/projection-runner.js';
import { EmbeddedReadStore } from '../../../src/stores/embedded/embedded-read-store.js';
import { SqliteEventStore } from '../../../src/stores/sqlite/sqlite-event-store.js';
import { CommerceSimulation, type LogShape } from './commerce-log.js';
import { writeLog } from './log-writer.js';
import { buildReadModels } from './read-model-builder.js';

export interface BuilderCheck {
  readonly orders: number;
  readonly logEvents: number;
  /** Documents compared, per collection. */
  readonly documents: Readonly<Record<string, number>>;
  /** Documents that differ or exist on one side only. */
  readonly differences: number;
}

/** Key-order-independent JSON, without the log positions (the builder's log is shorter). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .filter((key) => key !== '_position' && key !== 'position')
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
  );
}

/**
 * Checks the read-model builder against the real thing on a small shop: the
 * full log (every event type) is appended to an event store and the
 * projections' runners catch up on it; the builder makes its documents from
 * the same simulation; every document of the given collections is compared.
 */
export async function checkBuilder(
  dir: string,
  collections: readonly string[],
): Promise<BuilderCheck> {
  const shape: LogShape = {
    seed: 7,
    products: 300,
    customers: 800,
    ordersPerDay: 60,
    start: '2026-01-01',
    productSkew: 0.8,
    maxOrders: 3_000,
  };
  const eventStore = await SqliteEventStore.open({ dataDir: path.join(dir, 'log') });
  const projected = await EmbeddedReadStore.open({ dataDir: path.join(dir, 'projected') });
  const built = await EmbeddedReadStore.open({ dataDir: path.join(dir, 'built') });
  try {
    const log = await writeLog(eventStore, new CommerceSimulation(shape).days(), Infinity);
    const runners = PROJECTIONS.filter((p) => collections.includes(p.name)).map((p) =>
      startProjection(p, { eventStore, readStore: projected, holder: 'bench-check' }),
    );
    try {
      await Promise.all(runners.map((r) => r.waitFor(log.head, 600_000)));
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
    }
    await buildReadModels(built, shape, () => undefined);
    const documents: Record<string, number> = {};
    let differences = 0;
    for (const name of collections) {
      const ours = new Map(
        (await built.collection(name).find()).map((d) => [d._id, JSON.stringify(canonical(d))]),
      );
      const theirs = await projected.collection(name).find();
      documents[name] = theirs.length;
      for (const doc of theirs) {
        if (ours.get(doc._id) !== JSON.stringify(canonical(doc))) differences++;
        ours.delete(doc._id);
      }
      differences += ours.size;
    }
    return { orders: shape.maxOrders ?? 0, logEvents: log.events, documents, differences };
  } finally {
    await built.close();
    await projected.close();
    await eventStore.close();
  }
}
