import { describeError } from './dead-letters.js';

export const defaultRetryDelay = (attempt: number): number =>
  Math.min(5_000, 50 * 2 ** (attempt - 1)) * (0.5 + Math.random());

/** Waits `ms`, or less if `signal` aborts first; never rejects. */
export const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (signal.aborted) done();
    else signal.addEventListener('abort', done);
  });

/** Runs work one piece at a time, in the order asked. */
export const serial = () => {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work);
    tail = run.catch(() => undefined);
    return run;
  };
};

/**
 * Retries store calls with backoff for as long as the runner runs: a store
 * that is down delays the projection but never makes it lose or skip events.
 * After `maxAttempts` failures in a row the runner counts as failing (still
 * retrying) until a call succeeds.
 */
export class StoreRetries {
  private failures = 0;
  private lastError: string | undefined;

  constructor(
    private readonly maxAttempts: number,
    private readonly delayMs: (attempt: number) => number,
    private readonly onError: (error: unknown) => void,
    private readonly onHealthChange: () => void,
  ) {}

  /** The last error, while failing. */
  get failing(): string | undefined {
    return this.lastError;
  }

  async failed(error: unknown, signal: AbortSignal): Promise<void> {
    this.onError(error);
    if (++this.failures >= this.maxAttempts) {
      this.lastError = describeError(error);
      this.onHealthChange();
    }
    await pause(this.delayMs(this.failures), signal);
  }

  succeeded(): void {
    this.failures = 0;
    if (this.lastError === undefined) return;
    this.lastError = undefined;
    this.onHealthChange();
  }

  /** Runs `work` until it succeeds; undefined once `signal` aborts. */
  async retrying<T>(work: () => Promise<T>, signal: AbortSignal): Promise<T | undefined> {
    while (!signal.aborted) {
      try {
        const value = await work();
        this.succeeded();
        return value;
      } catch (error) {
        await this.failed(error, signal);
      }
    }
    return undefined;
  }
}
