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
      readonly kind: 'write';
      readonly appends: readonly { readonly id: number; readonly request: AppendRequest }[];
      readonly snapshots: readonly SnapshotWrite[];
    }
  | { readonly kind: 'close' };

export type FromWriter =
  | { readonly kind: 'ready' }
  | {
      readonly kind: 'written';
      readonly outcomes: readonly { readonly id: number; readonly outcome: AppendOutcome }[];
    }
  | { readonly kind: 'closed' }
  | { readonly kind: 'open-failed'; readonly message: string };
