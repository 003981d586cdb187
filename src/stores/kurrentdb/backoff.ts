export interface BackoffOptions {
  /** Delay before the first retry. */
  readonly initialDelayMs?: number;
  /** No delay grows beyond this. */
  readonly maxDelayMs?: number;
  readonly factor?: number;
  /** Share of each delay taken off at random (0 = none, 1 = "full jitter"). */
  readonly jitter?: number;
}

/** Capped exponential backoff with jitter, for retry number `attempt` (0-based). */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const { initialDelayMs = 100, maxDelayMs = 10_000, factor = 2, jitter = 0.5 } = options;
  const ceiling = Math.min(maxDelayMs, initialDelayMs * factor ** Math.max(0, attempt));
  return Math.round(ceiling * (1 - Math.min(1, Math.max(0, jitter)) * random()));
}
