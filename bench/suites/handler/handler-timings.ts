import {
  createCommandHandler,
  type CommandHandler,
} from '../../../src/commands/command-handler.js';
import type { SqliteEventStore } from '../../../src/stores/sqlite/sqlite-event-store.js';
import { summariseLatencies, type LatencySummary } from '../../lib/stats.js';
import { counter, increment, snapshottedCounter, SNAPSHOT_EVERY } from './counter.js';
import { appendOne, writeCounterStream } from './counter-streams.js';

export type Condition = 'cold' | 'snapshot' | 'warm';

export const CONDITIONS: readonly Condition[] = ['cold', 'snapshot', 'warm'];

/** The streams one condition rotates over, so that none grows much while measured. */
export type StreamSet = readonly string[];

const clock = () => new Date();
const context = { actor: 'bench' };

const handlerFor = (store: SqliteEventStore, withSnapshots: boolean): CommandHandler =>
  createCommandHandler({
    eventStore: store,
    clock,
    ...(withSnapshots ? { snapshots: store } : {}),
  });

export async function prepareStreams(
  store: SqliteEventStore,
  condition: Condition,
  length: number,
  count: number,
): Promise<StreamSet> {
  const streams = Array.from({ length: count }, (_, i) => `counter-${condition}${length}x${i}`);
  for (const streamId of streams) {
    await writeCounterStream(store, streamId, length);
    if (condition === 'snapshot') await snapshotStream(store, streamId, length);
  }
  return streams;
}

/** A handle writes the snapshot; it is stored with the next write batch, so append once more. */
async function snapshotStream(store: SqliteEventStore, streamId: string, length: number) {
  await handlerFor(store, true).handle(snapshottedCounter, streamId, increment, context);
  await appendOne(store, streamId);
  const snapshot = await store.loadSnapshot(streamId);
  const state = snapshot?.state as { total?: number } | undefined;
  if (snapshot?.revision !== length || state?.total !== length + 1 || length < SNAPSHOT_EVERY) {
    throw new Error(`${streamId}: no snapshot at revision ${length} (${JSON.stringify(snapshot)})`);
  }
}

async function timeHandle(
  handler: CommandHandler,
  condition: Condition,
  streamId: string,
): Promise<number> {
  const aggregate = condition === 'snapshot' ? snapshottedCounter : counter;
  const startedAt = performance.now();
  const result = await handler.handle(aggregate, streamId, increment, context);
  const elapsed = performance.now() - startedAt;
  if (result.events.length !== 1) throw new Error(`${streamId}: the command appended nothing`);
  return elapsed;
}

/**
 * `samples` commands, each appending one event: cold conditions build a new
 * handler for every command (nothing cached); warm uses one handler that has
 * already loaded every stream once.
 */
export async function measureCondition(
  store: SqliteEventStore,
  condition: Condition,
  streams: StreamSet,
  samples: number,
): Promise<LatencySummary> {
  const latencies: number[] = [];
  const warm = handlerFor(store, false);
  if (condition === 'warm') {
    for (const streamId of streams) await timeHandle(warm, condition, streamId);
  }
  for (let i = 0; i < samples; i++) {
    const handler = condition === 'warm' ? warm : handlerFor(store, condition === 'snapshot');
    latencies.push(await timeHandle(handler, condition, streams[i % streams.length] ?? ''));
  }
  return summariseLatencies(latencies);
}
