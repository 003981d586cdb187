import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest directory above `dir` holding package.json. */
function rootAbove(dir: string): string {
  for (let at = dir; ; at = path.dirname(at)) {
    if (fs.existsSync(path.join(at, 'package.json'))) return at;
    if (path.dirname(at) === at) throw new Error(`No package.json above ${dir}`);
  }
}

/** The repository root, whether the benchmarks run from their sources or compiled under dist/. */
export const REPO_ROOT = rootAbove(path.dirname(fileURLToPath(import.meta.url)));

/**
 * `npm run bench` runs the benchmarks compiled, as `npm start` runs the
 * engine (node on dist/, no TypeScript loader in between); run through tsx
 * they measure the TypeScript sources instead.
 */
export const RUNS_COMPILED = import.meta.url.endsWith('.js');

/**
 * A module to run, given by its TypeScript path relative to the root: its
 * compiled copy under dist/ when the benchmarks run compiled.
 */
export const runnablePath = (source: string): string =>
  RUNS_COMPILED
    ? path.join(REPO_ROOT, 'dist', source.replace(/\.ts$/, '.js'))
    : path.join(REPO_ROOT, source);
