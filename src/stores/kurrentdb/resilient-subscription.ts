import { defer, filter, repeat, retry, tap, throwError, timer, type Observable } from 'rxjs';
import type { Position } from '../event-store.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { isBeyond } from './kurrentdb-positions.js';

export interface SourceSignals {
  /** The source is healthy again (caught up): the next drop starts a fresh backoff. */
  healthy(): void;
}

export interface SubscriptionDrop {
  /** The error the source failed with; undefined when it simply ended. */
  readonly error: unknown;
  /** Consecutive drops without progress, counting this one. */
  readonly attempt: number;
  readonly delayMs: number;
  /** Where the next attempt resumes (exclusive). */
  readonly resumeAfter: Position | undefined;
}

export interface ResilientSubscriptionOptions<T> {
  /** Opens the underlying subscription after `after` (exclusive; the start when undefined). */
  readonly connect: (after: Position | undefined, signals: SourceSignals) => Observable<T>;
  readonly positionOf: (item: T) => Position;
  readonly fromPosition?: Position;
  /** Errors for which re-opening is pointless are passed on to the subscriber. */
  readonly isTransient?: (error: unknown) => boolean;
  readonly backoff?: BackoffOptions;
  readonly random?: () => number;
  readonly onDrop?: (drop: SubscriptionDrop) => void;
}

/**
 * Keeps a subscription alive across server drops: whenever the source errors or
 * ends it is re-opened after the last delivered position, after a capped,
 * jittered exponential backoff. Anything at or before the last delivered position
 * is skipped, so a source that replays its boundary never causes a duplicate.
 */
export function resilientSubscription<T>(options: ResilientSubscriptionOptions<T>): Observable<T> {
  const { connect, positionOf, isTransient = () => true } = options;
  return defer(() => {
    let lastDelivered = options.fromPosition;
    let attempt = 0;
    const signals: SourceSignals = { healthy: () => (attempt = 0) };
    const pause = (error: unknown): Observable<number> => {
      const delayMs = backoffDelay(attempt, options.backoff, options.random);
      attempt++;
      options.onDrop?.({ error, attempt, delayMs, resumeAfter: lastDelivered });
      return timer(delayMs);
    };
    return defer(() => connect(lastDelivered, signals)).pipe(
      filter((item) => isBeyond(positionOf(item), lastDelivered)),
      tap((item) => {
        lastDelivered = positionOf(item);
        attempt = 0;
      }),
      repeat({ delay: () => pause(undefined) }),
      retry({
        delay: (error: unknown) => (isTransient(error) ? pause(error) : throwError(() => error)),
      }),
    );
  });
}
