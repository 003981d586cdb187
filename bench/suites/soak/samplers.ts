/** Once-a-second readings of the engine child: memory, log head and projection lag. */
import { readFileSync } from 'node:fs';

export interface Reading {
  /** Seconds since the soak started. */
  readonly second: number;
  readonly rssMiB: number;
  /** V8 heap in use, from the engine's /metrics when it exports it. */
  readonly heapUsedMiB: number | null;
  /** V8 heap committed (used plus room reserved to grow into), from /metrics. */
  readonly heapTotalMiB?: number | null;
  /** Memory V8 accounts outside its heap (Buffers, external strings), from /metrics. */
  readonly externalMiB?: number | null;
  /** The log's head position (embedded: the number of events). */
  readonly head: number | null;
  /** Events each read model is behind the head. */
  readonly lagEvents: Readonly<Record<string, number>>;
}

/** Resident set size of a process in MiB, from /proc (Linux); NaN elsewhere. */
export function residentMiB(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kib === undefined ? Number.NaN : Number(kib) / 1024;
  } catch {
    return Number.NaN;
  }
}

async function getJson(url: string, token?: string): Promise<unknown> {
  const res = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return res.ok ? ((await res.json()) as unknown) : undefined;
}

interface V8Memory {
  readonly heapUsedMiB: number | null;
  readonly heapTotalMiB: number | null;
  readonly externalMiB: number | null;
}

const NO_V8_MEMORY: V8Memory = { heapUsedMiB: null, heapTotalMiB: null, externalMiB: null };

async function v8Memory(base: string): Promise<V8Memory> {
  try {
    const res = await fetch(`${base}/metrics`);
    if (!res.ok) return NO_V8_MEMORY;
    const lines = (await res.text()).split('\n');
    const mib = (metric: string) => {
      const line = lines.find((l) => l.startsWith(`${metric} `));
      const bytes = Number(line?.split(' ').at(-1));
      return Number.isFinite(bytes) ? bytes / 2 ** 20 : null;
    };
    return {
      heapUsedMiB: mib('nodejs_heap_size_used_bytes'),
      heapTotalMiB: mib('nodejs_heap_size_total_bytes'),
      externalMiB: mib('nodejs_external_memory_bytes'),
    };
  } catch {
    return NO_V8_MEMORY;
  }
}

export async function readEngine(
  base: string,
  pid: number | undefined,
  opsToken: string,
  second: number,
): Promise<Reading> {
  const [ready, projections, v8] = await Promise.all([
    getJson(`${base}/readyz`).catch(() => undefined),
    getJson(`${base}/v1/ops/projections`, opsToken).catch(() => undefined),
    v8Memory(base),
  ]);
  const headText = (ready as { eventStore?: { headPosition?: string | null } } | undefined)
    ?.eventStore?.headPosition;
  const lagEvents: Record<string, number> = {};
  const list = Array.isArray(projections)
    ? projections
    : ((projections as { items?: unknown[] } | undefined)?.items ?? []);
  for (const item of list as { name?: unknown; lagEvents?: unknown }[]) {
    if (typeof item.name === 'string' && typeof item.lagEvents === 'number') {
      lagEvents[item.name] = item.lagEvents;
    }
  }
  return {
    second,
    rssMiB: residentMiB(pid),
    ...v8,
    head: headText ? Number(headText) : null,
    lagEvents,
  };
}
