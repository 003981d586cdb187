import fs from 'node:fs/promises';
import path from 'node:path';
import { PROJECTIONS, startReadModels } from '../../../src/projections/read-models.js';
import type { Projection } from '../../../src/projections/projection.js';
import {
  startProjection,
  type RunningProjection,
} from '../../../src/projections/projection-runner.js';
import { EmbeddedReadStore } from '../../../src/stores/embedded/embedded-read-store.js';
import type { EventFilter, EventStore, Position } from '../../../src/stores/event-store.js';
import { ownIo } from '../../lib/process-io.js';
import { ownCpuSeconds } from '../../lib/process-cpu.js';

/** What is caught up: one projection alone, or all five as the engine starts them. */
export type Subject = string | 'all';

export const ALL: Subject = 'all';

export const subjectsOf = (): readonly Subject[] => [...PROJECTIONS.map((p) => p.name), ALL];

export const projectionNamed = (name: string): Projection => {
  const projection = PROJECTIONS.find((p) => p.name === name);
  if (!projection) throw new Error(`No projection named ${name}`);
  return projection;
};

/** The events a subject reads: its projection's filter; everything for all five. */
export const filterOf = (subject: Subject): EventFilter | undefined =>
  subject === ALL ? undefined : projectionNamed(subject).filter;

export interface ReadRun {
  readonly events: number;
  readonly seconds: number;
}

/**
 * The ceiling: the same events read from the log with nothing done to them,
 * through the store's own `readAll` (rows to RecordedEvents, data and
 * metadata JSON-parsed), in pages of `pageSize` from the start to `head`.
 */
export async function readLog(
  store: EventStore,
  filter: EventFilter | undefined,
  head: Position,
  pageSize: number,
): Promise<ReadRun> {
  const startedAt = performance.now();
  const last = Number(head);
  let events = 0;
  let from: Position | undefined;
  for (;;) {
    const page = await store.readAll({
      ...(from !== undefined && { fromPosition: from }),
      ...(filter && { filter }),
      limit: pageSize,
    });
    const end = page.findIndex((e) => Number(e.position) > last);
    events += end === -1 ? page.length : end;
    if (page.length < pageSize || end !== -1) break;
    from = page[page.length - 1]?.position;
  }
  return { events, seconds: (performance.now() - startedAt) / 1000 };
}

export interface CatchUpRun {
  readonly seconds: number;
  /** Main-process CPU (all threads) over the catch-up. */
  readonly cpuSeconds: number;
  /** Bytes passed to write calls over the catch-up (the read store's WAL and checkpoints). */
  readonly writtenBytes: number;
  /** The read store's files once caught up. */
  readonly readStoreBytes: number;
  readonly deadLetters: number;
}

async function directorySize(dir: string): Promise<number> {
  const names = await fs.readdir(dir);
  const sizes = await Promise.all(names.map((n) => fs.stat(path.join(dir, n))));
  return sizes.reduce((sum, s) => sum + s.size, 0);
}

/**
 * Starts the subject on an empty read store in `dataDir` and times it until
 * every runner has applied everything up to `head` (`waitFor`). One
 * projection is started with `startProjection`; all five with
 * `startReadModels`, as the engine does (each far behind on a thread of its
 * own, the event store in `logDir`). Runner options are the engine's
 * defaults (batches of 200,000 events while catching up). Any runner error fails the measurement.
 */
export async function catchUp(
  eventStore: EventStore,
  logDir: string,
  dataDir: string,
  subject: Subject,
  head: Position,
  timeoutMs: number,
): Promise<CatchUpRun> {
  const readStore = await EmbeddedReadStore.open({ dataDir });
  const errors: unknown[] = [];
  const onError = (error: unknown) => errors.push(error);
  const cpuBefore = ownCpuSeconds();
  const ioBefore = ownIo();
  const startedAt = performance.now();
  let running: RunningProjection[];
  let stop: () => Promise<void>;
  if (subject === ALL) {
    const models = await startReadModels({
      eventStore,
      readStore,
      holder: 'bench',
      onError: (_, error) => onError(error),
      threads: { stores: { eventStoreDir: logDir, readStoreDir: dataDir } },
    });
    running = [...models.running.values()];
    stop = () => models.stop();
  } else {
    const one = startProjection(projectionNamed(subject), {
      eventStore,
      readStore,
      holder: 'bench',
      onError,
    });
    running = [one];
    stop = () => one.stop();
  }
  try {
    await Promise.all(running.map((r) => r.waitFor(head, timeoutMs)));
  } finally {
    await stop();
  }
  const seconds = (performance.now() - startedAt) / 1000;
  const cpuSeconds = ownCpuSeconds() - cpuBefore;
  const writtenBytes = ownIo().written - ioBefore.written;
  const deadLetters = running.reduce((sum, r) => sum + r.status().deadLetters, 0);
  await readStore.close();
  if (errors.length > 0) throw new Error(`${subject}: runner error: ${String(errors[0])}`);
  return {
    seconds,
    cpuSeconds,
    writtenBytes,
    readStoreBytes: await directorySize(dataDir),
    deadLetters,
  };
}
