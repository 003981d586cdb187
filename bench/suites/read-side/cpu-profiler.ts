import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';
import { findSourceMap } from 'node:module';
import {
  summariseProfile,
  type CpuProfile,
  type ProfileSummary,
} from '../place-order/cpu-profile.js';

/**
 * Points every frame of a module transpiled by tsx at its TypeScript source
 * line (tsx enables source maps; it compiles each module to one line).
 */
function mapToSources(profile: Profiler.Profile): Profiler.Profile {
  const nodes = profile.nodes.map((node) => {
    const { url, lineNumber, columnNumber } = node.callFrame;
    if (!url.startsWith('file:') || url.includes('/node_modules/')) return node;
    const entry = findSourceMap(url)?.findEntry(lineNumber, columnNumber);
    if (!entry || !('originalLine' in entry)) return node;
    const callFrame = {
      ...node.callFrame,
      url: entry.originalSource,
      lineNumber: entry.originalLine,
      columnNumber: entry.originalColumn,
    };
    return { ...node, callFrame };
  });
  return { ...profile, nodes };
}

export interface Profiled<T> {
  readonly result: T;
  readonly summary: ProfileSummary;
}

/**
 * Runs `work` under V8's sampling profiler in this process (node:inspector),
 * sampling the main thread every `intervalMicros`; returns its result and a
 * summary of where the main thread's time went.
 */
export async function profileWhile<T>(
  work: () => Promise<T>,
  limit = 15,
  intervalMicros = 1_000,
): Promise<Profiled<T>> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: intervalMicros });
    await session.post('Profiler.start');
    let profile: Profiler.Profile | undefined;
    let result: T;
    try {
      result = await work();
    } finally {
      profile = (await session.post('Profiler.stop')).profile;
    }
    const mapped = mapToSources(profile) as unknown as CpuProfile;
    return { result, summary: summariseProfile(mapped, limit) };
  } finally {
    session.disconnect();
  }
}
