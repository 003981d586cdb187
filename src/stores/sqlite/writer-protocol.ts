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

/** A group of appends on the wire (see writer-wire.ts). */
export interface EncodedAppends {
  readonly numbers: Float64Array<ArrayBuffer>;
  readonly text: string;
}

/** The outcomes of a group, in the order of its appends (see writer-wire.ts). */
export interface EncodedOutcomes {
  readonly numbers: Float64Array<ArrayBuffer>;
  /** Messages of failed appends, pointed at from `numbers`. */
  readonly messages: readonly string[];
}

/**
 * Group commit in two halves. A group of at least twice this many appends
 * travels as two messages, and the writer commits a message of at least this
 * many appends on its own: the second half commits while the first half's
 * outcomes travel back and its writers send their next appends, so the writer
 * does not sit idle through the round trip. Smaller messages that queue up
 * while a transaction commits still share the next one.
 */
export const PIPELINED_APPENDS = 32;

export type ToWriter =
  | {
      readonly kind: 'write';
      readonly appends?: EncodedAppends;
      readonly snapshots: readonly SnapshotWrite[];
    }
  | { readonly kind: 'close' };

export type FromWriter =
  | { readonly kind: 'ready' }
  | {
      readonly kind: 'written';
      readonly outcomes: EncodedOutcomes;
    }
  | { readonly kind: 'closed' }
  | { readonly kind: 'open-failed'; readonly message: string };
