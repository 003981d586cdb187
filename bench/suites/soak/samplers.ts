/** Once-a-second readings of the engine child: memory, log head and projection lag. */
import { readFileSync } from 'node:fs';

export interface Reading {
  /** Seconds since the soak started. */
  readonly second: number;
  readonly rssMiB: number;
  /** V8 heap in use, from the engine's /metrics when it exports it. */
  readonly heapUsedMiB: number | null;
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

async function heapUsedMiB(base: string): Promise<number | null> {
  try {
    const res = await fetch(`${base}/metrics`);
    if (!res.ok) return null;
    const line = (await res.text())
      .split('\n')
      .find((l) => l.startsWith('nodejs_heap_size_used_bytes'));
    const bytes = Number(line?.split(' ').at(-1));
    return Number.isFinite(bytes) ? bytes / 2 ** 20 : null;
  } catch {
    return null;
  }
}

export async function readEngine(
  base: string,
  pid: number | undefined,
  opsToken: string,
  second: number,
): Promise<Reading> {
  const [ready, projections, heap] = await Promise.all([
    getJson(`${base}/readyz`).catch(() => undefined),
    getJson(`${base}/v1/ops/projections`, opsToken).catch(() => undefined),
    heapUsedMiB(base),
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
    heapUsedMiB: heap,
    head: headText ? Number(headText) : null,
    lagEvents,
  };
}
