import type { Observable } from 'rxjs';

/**
 * The log's port. Revisions count from 0 within a stream; positions order every
 * event of the store globally and cross the port as opaque strings (KurrentDB
 * positions are 64-bit), compared with `comparePositions`.
 */
export type Position = string;

export type ExpectedRevision = 'no_stream' | 'any' | 'exists' | number;

export interface EventToAppend {
  /** Unique within the stream: re-appending a stored id is a no-op. */
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface RecordedEvent {
  readonly streamId: string;
  readonly revision: number;
  readonly position: Position;
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** ISO 8601 UTC time at which the store recorded the event. */
  readonly recordedAt: string;
}

export interface AppendOptions {
  readonly expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the stream's last event after the append: the next expected revision. */
  readonly nextRevision: number;
  /** Position of the last event appended. */
  readonly position: Position;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  /** First revision to read (inclusive); defaults to the start (forwards) or end (backwards). */
  readonly fromRevision?: number;
  readonly direction?: Direction;
  readonly limit?: number;
}

/** Selects events by stream category (the stream id up to its first '-') and/or type. */
export interface EventFilter {
  readonly streamCategories?: readonly string[];
  readonly eventTypes?: readonly string[];
}

export interface ReadAllOptions {
  /** Read events after this position (exclusive); from the start when omitted. */
  readonly fromPosition?: Position;
  readonly direction?: Direction;
  readonly limit?: number;
  readonly filter?: EventFilter;
  /**
   * Events exactly as stored, older schema versions included (an export of
   * the log); by default wrappers may hand out the current shape instead.
   */
  readonly asStored?: boolean;
}

export interface SubscribeOptions {
  /** Deliver events after this position (exclusive); from the start when omitted. */
  readonly fromPosition?: Position;
  readonly filter?: EventFilter;
}

export interface StreamInfo {
  readonly streamId: string;
  /** Revision of the stream's last event. */
  readonly revision: number;
}

export interface ListStreamsOptions {
  readonly prefix?: string;
  /** Stream ids strictly after this one, in id order (for paging). */
  readonly after?: string;
  readonly limit?: number;
}

export interface EventStore {
  /**
   * True when appends made without awaiting one another are committed in the
   * order they were made (the embedded store's single writer does so), which
   * lets an import keep several in flight and still keep the log's order.
   */
  readonly appendsInCallOrder?: boolean;
  appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options?: AppendOptions,
  ): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  listStreams(options?: ListStreamsOptions): Promise<StreamInfo[]>;
  /** Revision of a stream's last event, or undefined when it has none. */
  streamRevision(streamId: string): Promise<number | undefined>;
  /** Position of the newest event in the store, or undefined when the store is empty. */
  headPosition(): Promise<Position | undefined>;
  /**
   * Catches up from `fromPosition` (exclusive) in global order, then follows new
   * events live, with neither gaps nor duplicates at the hand-over.
   */
  subscribeToAll(options?: SubscribeOptions): Observable<RecordedEvent>;
  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  readonly code = 'WRONG_EXPECTED_REVISION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** Revision of the stream's last event, or 'no_stream'. */
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

export class StreamNotFoundError extends Error {
  readonly code = 'STREAM_NOT_FOUND';
  constructor(readonly streamId: string) {
    super(`Stream ${streamId} not found`);
    this.name = 'StreamNotFoundError';
  }
}

export function streamCategory(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash === -1 ? streamId : streamId.slice(0, dash);
}

export function matchesFilter(
  event: Pick<RecordedEvent, 'streamId' | 'type'>,
  filter: EventFilter | undefined,
): boolean {
  if (!filter) return true;
  if (filter.streamCategories && !filter.streamCategories.includes(streamCategory(event.streamId)))
    return false;
  if (filter.eventTypes && !filter.eventTypes.includes(event.type)) return false;
  return true;
}

export function revisionMatches(expected: ExpectedRevision, actual: number | undefined): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === undefined;
  if (expected === 'exists') return actual !== undefined;
  return actual === expected;
}
