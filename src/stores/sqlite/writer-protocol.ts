import type { ExpectedRevision } from '../event-store.js';

/** Messages between the event store (main thread) and its writer thread. */

export interface SerializedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

export interface AppendRequest {
  readonly streamId: string;
  readonly expectedRevision: ExpectedRevision;
  readonly events: readonly SerializedEvent[];
}

export interface SnapshotWrite {
  readonly streamId: string;
  readonly revision: number;
  readonly version: string;
  readonly state: string;
}

export type AppendOutcome =
  | { readonly kind: 'appended'; readonly nextRevision: number; readonly position: number }
  | { readonly kind: 'conflict'; readonly actual: number | 'no_stream' }
  | { readonly kind: 'failed'; readonly message: string };

export type ToWriter =
  | {
      readonly kind: 'batch';
      readonly id: number;
      readonly appends: readonly AppendRequest[];
      readonly snapshots: readonly SnapshotWrite[];
    }
  | { readonly kind: 'close' };

export type FromWriter =
  | { readonly kind: 'ready' }
  | { readonly kind: 'batch'; readonly id: number; readonly outcomes: readonly AppendOutcome[] }
  | { readonly kind: 'batch-failed'; readonly id: number; readonly message: string }
  | { readonly kind: 'closed' }
  | { readonly kind: 'open-failed'; readonly message: string };
