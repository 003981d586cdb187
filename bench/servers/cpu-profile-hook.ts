/**
 * Loaded with `--import` before a server under benchmark, so its CPU can be
 * profiled over just the measured window (not start-up, TypeScript loading or
 * set-up): the first SIGUSR2 starts the V8 sampling profiler, the next one
 * stops it and writes the profile (Chrome DevTools `.cpuprofile` format) to
 * BENCH_CPU_PROFILE. Each step is acknowledged with one JSON line on stdout.
 * Nothing in the server itself changes.
 *
 * tsx compiles each TypeScript module to a single line, so the profile's
 * positions are mapped back to the TypeScript sources through the inline
 * source maps (hence source maps are enabled here, before anything loads).
 */
import { writeFile } from 'node:fs/promises';
import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';
import { findSourceMap } from 'node:module';

const file = process.env.BENCH_CPU_PROFILE;
const intervalMicros = Number(process.env.BENCH_CPU_PROFILE_INTERVAL_US ?? 500);

/** Points every frame of a transpiled module at its TypeScript source line. */
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

if (file) {
  process.setSourceMapsEnabled(true);
  const session = new Session();
  session.connect();
  let running = false;
  const say = (event: string) => process.stdout.write(`${JSON.stringify({ cpuProfile: event })}\n`);

  process.on('SIGUSR2', () => {
    const step = running
      ? session.post('Profiler.stop').then(async ({ profile }) => {
          running = false;
          await writeFile(file, JSON.stringify(mapToSources(profile)));
          say('written');
        })
      : session
          .post('Profiler.enable')
          .then(() => session.post('Profiler.setSamplingInterval', { interval: intervalMicros }))
          .then(() => session.post('Profiler.start'))
          .then(() => {
            running = true;
            say('started');
          });
    step.catch((error: unknown) => say(`failed: ${String(error)}`));
  });
}
