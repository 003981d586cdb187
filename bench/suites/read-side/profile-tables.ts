import { formatCount } from '../../lib/format.js';
import { markdownTable } from '../../lib/markdown-table.js';
import type { ProfileEntry, ProfileSummary } from '../place-order/cpu-profile.js';

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
const code = (text: string) => (text === '' ? '–' : `\`${text.replace(/`/g, "'")}\``);

/** Shrinks a summary to its first `rows` entries of each list (for the results file). */
export const topOf = (summary: ProfileSummary, rows: number): ProfileSummary => ({
  ...summary,
  topSelf: summary.topSelf.slice(0, rows),
  areas: summary.areas.slice(0, rows),
  topInclusiveSrc: summary.topInclusiveSrc.slice(0, rows),
});

/** One line of areas: "`src/stores/` 48%, `npm:better-sqlite3` 45%, ...". */
export const areaLine = (summary: ProfileSummary, rows = 5): string =>
  summary.areas
    .slice(0, rows)
    .map((a) => `${code(a.name)} ${percent(a.share)}`)
    .join(', ');

const via = (e: ProfileEntry) =>
  e.via ? `${code(e.via.name)} ${code(e.via.where)}, ${percent(e.via.share)}` : '';

/** Self time by function, with where each one is called from when outside the engine. */
export function selfTable(summary: ProfileSummary, rows: number): string {
  return markdownTable(
    ['Self time by function', 'Where', 'ms', 'Share of busy', 'Mostly under (caller, share)'],
    summary.topSelf
      .slice(0, rows)
      .map((e) => [code(e.name), code(e.where), formatCount(e.ms), percent(e.share), via(e)]),
    ['left', 'left', 'right', 'right', 'left'],
  );
}

/** Inclusive time of the engine's own functions. */
export function inclusiveTable(summary: ProfileSummary, rows: number): string {
  return markdownTable(
    ['Inclusive time, engine functions (src/)', 'Where', 'ms', 'Share of busy'],
    summary.topInclusiveSrc
      .slice(0, rows)
      .map((e) => [code(e.name), code(e.where), formatCount(e.ms), percent(e.share)]),
    ['left', 'left', 'right', 'right'],
  );
}

export const PROFILE_NOTES =
  "V8's sampling profiler via `node:inspector` in the bench process itself (every runner and read-store call runs on the main thread, where SQLite calls are synchronous; the log's pages are read on the event store's page-reader thread, which this profile does not see), positions mapped back to the TypeScript sources. Shares are of the busy time; a native function (SQLite's `run`/`all`/`next`, JSON) is listed with the function that called it and charged to that caller's area; `run` under `sqliteTransaction` is the transaction's COMMIT. `JSON.parse` and `JSON.stringify` get no frame of their own: their time is the self time of the function calling them (`matches` in select-docs.ts parses each candidate row's document, `getMany` each loaded document, `rawToRecorded` in log-rows.ts each event's data and metadata, `store` in apply-writes.ts stringifies each written document). `(garbage collector)` is GC.";
