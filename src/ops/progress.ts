/** How far a long piece of work (rebuild, replay, export, import, seed) has come. */
export interface Progress {
  readonly processed: number;
  /** Best estimate of the whole; may grow while the work runs (a live log keeps growing). */
  readonly total: number;
}

export type ProgressListener = (progress: Progress) => void;

/** Events per second over the work so far. */
export const ratePerSecond = (processed: number, elapsedMs: number): number =>
  elapsedMs <= 0 ? 0 : Math.round((processed * 1000) / elapsedMs);
