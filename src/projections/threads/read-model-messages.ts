import type { RecordedEvent } from '../../stores/event-store.js';
import type { ProjectionStatus } from '../projection-status.js';
import type { CatchUpStores } from './catch-up-messages.js';

export interface ReadModelWorkerData {
  readonly holder: string;
  readonly stores: CatchUpStores;
}

/** What the engine may ask of a runner on the read-model thread, with its arguments. */
export interface RunnerCalls {
  readonly waitFor: readonly [position: string, timeoutMs: number];
  readonly retryDeadLetter: readonly [id: string];
  readonly skipDeadLetter: readonly [id: string];
  readonly stop: readonly [];
}

export type RunnerCall = {
  [M in keyof RunnerCalls]: {
    readonly kind: 'call';
    readonly id: number;
    readonly name: string;
    readonly method: M;
    readonly args: RunnerCalls[M];
  };
}[keyof RunnerCalls];

export type ToReadModelThread =
  | { readonly kind: 'start'; readonly name: string }
  | RunnerCall
  /** Run nothing of `name` until `release` with the same id (see RunningProjection.exclusively). */
  | { readonly kind: 'hold'; readonly id: number; readonly name: string }
  | { readonly kind: 'release'; readonly id: number }
  /** Stop every runner, close the stores and end the thread. */
  | { readonly kind: 'close' };

/** An error as it crosses the thread boundary (an AppError keeps its code and details). */
export interface WireError {
  readonly message: string;
  readonly code?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export type FromReadModelThread =
  | { readonly kind: 'status'; readonly status: ProjectionStatus }
  /** The answer to a call or hold, with the runner's status right after it. */
  | {
      readonly kind: 'reply';
      readonly id: number;
      readonly status: ProjectionStatus | undefined;
      readonly value?: unknown;
      readonly error?: WireError;
    }
  /** The hold with this id has begun: the runner waits between two batches, holding the lease. */
  | { readonly kind: 'held'; readonly id: number }
  /** An error a runner reported (it retries, or parks `event`, the one it could not apply). */
  | {
      readonly kind: 'error';
      readonly name: string;
      readonly message: string;
      readonly event?: RecordedEvent;
    };
