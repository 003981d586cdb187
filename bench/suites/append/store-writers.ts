import { SqliteEventStore } from '../../../src/stores/sqlite/sqlite-event-store.js';
import { sampleEvent } from '../../lib/sample-events.js';
import { summariseLatencies } from '../../lib/stats.js';
import { throughput, type AppendRun } from './measurements.js';

interface Writer {
  readonly streamId: string;
  /** Revision of the stream's last event. */
  revision: number;
}

/**
 * `writers` concurrent appenders against a fresh store, each on its own stream,
 * appending one event at a time with the stream's exact revision and awaiting
 * each append before the next. Untimed warm-up first, then `durationMs` timed.
 */
export async function measureStore(
  dataDir: string,
  writers: number,
  warmupMs: number,
  durationMs: number,
): Promise<AppendRun> {
  const store = await SqliteEventStore.open({ dataDir });
  try {
    const all: Writer[] = Array.from({ length: writers }, (_, i) => ({
      streamId: `cart-writer${i}`,
      revision: 0,
    }));
    await Promise.all(
      all.map((w) =>
        store.appendToStream(w.streamId, [sampleEvent(0)], { expectedRevision: 'no_stream' }),
      ),
    );
    await Promise.all(all.map((w) => appendUntil(store, w, performance.now() + warmupMs, [])));
    const latencies: number[] = [];
    const startedAt = performance.now();
    const counts = await Promise.all(
      all.map((w) => appendUntil(store, w, startedAt + durationMs, latencies)),
    );
    const run = throughput(
      counts.reduce((a, b) => a + b, 0),
      startedAt,
    );
    const { p50Ms, p99Ms } = summariseLatencies(latencies);
    return { ...run, p50Ms, p99Ms };
  } finally {
    await store.close();
  }
}

async function appendUntil(
  store: SqliteEventStore,
  writer: Writer,
  deadline: number,
  latencies: number[],
): Promise<number> {
  let appended = 0;
  while (performance.now() < deadline) {
    const startedAt = performance.now();
    const { nextRevision } = await store.appendToStream(
      writer.streamId,
      [sampleEvent(writer.revision + 1)],
      { expectedRevision: writer.revision },
    );
    latencies.push(performance.now() - startedAt);
    if (nextRevision !== writer.revision + 1) {
      throw new Error(
        `${writer.streamId}: expected revision ${writer.revision + 1}, got ${nextRevision}`,
      );
    }
    writer.revision = nextRevision;
    appended += 1;
  }
  return appended;
}
