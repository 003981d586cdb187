import cliProgress from 'cli-progress';
import { ratePerSecond, type Progress, type ProgressListener } from '../ops/progress.js';

export interface ProgressDisplay {
  readonly listener: ProgressListener;
  /** Ends the display with a summary line. */
  stop(): void;
}

const PLAIN_INTERVAL_MS = 2000;

/**
 * Progress of long work on stderr: a bar with events/s on a terminal, plain
 * lines every two seconds otherwise (logs, CI, pipes).
 */
export function progressDisplay(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressDisplay {
  const startedAt = Date.now();
  let last: Progress = { processed: 0, total: 0 };
  const rate = () => ratePerSecond(last.processed, Date.now() - startedAt);
  const totalOf = (p: Progress) => Math.max(p.total, p.processed);

  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${label} [{bar}] {percentage}% | {value}/{total} events | {rate} events/s | {duration_formatted}`,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      listener(progress) {
        last = progress;
        if (!started) {
          bar.start(totalOf(progress), progress.processed, { rate: rate() });
          started = true;
          return;
        }
        bar.setTotal(totalOf(progress));
        bar.update(progress.processed, { rate: rate() });
      },
      stop() {
        if (!started) return;
        // The total was an estimate: the finished work is the whole.
        bar.setTotal(last.processed);
        bar.update(last.processed, { rate: rate() });
        bar.stop();
      },
    };
  }

  let printedAt = startedAt;
  return {
    listener(progress) {
      last = progress;
      const now = Date.now();
      if (now - printedAt < PLAIN_INTERVAL_MS) return;
      printedAt = now;
      const of = progress.total > progress.processed ? `/${progress.total}` : '';
      stream.write(`${label}: ${progress.processed}${of} events, ${rate()} events/s\n`);
    },
    stop() {
      const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
      stream.write(`${label}: ${last.processed} events in ${seconds} s (${rate()} events/s)\n`);
    },
  };
}

/** Runs long work with a progress display that ends however the work ends. */
export async function withProgress<T>(
  label: string,
  work: (onProgress: ProgressListener) => Promise<T>,
): Promise<T> {
  const display = progressDisplay(label);
  try {
    return await work(display.listener);
  } finally {
    display.stop();
  }
}
