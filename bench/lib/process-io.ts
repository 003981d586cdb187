import { readFileSync } from 'node:fs';

export interface ProcessIo {
  /** Bytes this process passed to write-like system calls (all threads): `wchar`. */
  readonly written: number;
  /** Bytes it got from read-like system calls, page cache hits included: `rchar`. */
  readonly read: number;
}

/** This process's I/O counters so far, from /proc/self/io (Linux); NaN elsewhere. */
export function ownIo(): ProcessIo {
  try {
    const fields = new Map(
      readFileSync('/proc/self/io', 'utf8')
        .split('\n')
        .map((line) => line.split(': ') as [string, string]),
    );
    return { written: Number(fields.get('wchar')), read: Number(fields.get('rchar')) };
  } catch {
    return { written: Number.NaN, read: Number.NaN };
  }
}
