import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports CPU time in these ticks (100 on every mainstream kernel build). */
const TICKS_PER_SECOND = 100;

/** user + system seconds from a /proc `stat` file; NaN where it cannot be read. */
function statCpuSeconds(file: string): number {
  try {
    const stat = readFileSync(file, 'utf8');
    // Fields after the command name (which may contain spaces), from field 3 on.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

export interface ProcessCpu {
  /** All threads. */
  readonly total: number;
  /** The main thread alone (for Node: the event loop that runs the JavaScript). */
  readonly main: number;
}

/** CPU seconds a process has used so far, from /proc (Linux); NaN elsewhere. */
export function processCpuSeconds(pid: number | undefined): ProcessCpu {
  if (pid === undefined) return { total: Number.NaN, main: Number.NaN };
  return {
    total: statCpuSeconds(`/proc/${pid}/stat`),
    main: statCpuSeconds(`/proc/${pid}/task/${pid}/stat`),
  };
}

/** This process's CPU seconds (user + system, all threads). */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
