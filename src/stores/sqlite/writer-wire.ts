import type { ExpectedRevision } from '../event-store.js';
import type {
  AppendOutcome,
  AppendRequest,
  EncodedAppends,
  EncodedOutcomes,
} from './writer-protocol.js';

/*
 * How groups of appends and their outcomes cross between the main thread and
 * the writer thread. Structured cloning an array of objects costs about a
 * microsecond per object on each side, a large share of a group commit's round
 * trip. So a group travels as one string (every stream id, event id, type and
 * payload, concatenated) and one Float64Array (ids, expected revisions and the
 * length of each string); outcomes travel as one Float64Array. Both arrays are
 * transferred, not copied.
 */

const NO_STREAM = -1;
const ANY = -2;
const EXISTS = -3;

const encodeExpected = (expected: ExpectedRevision): number =>
  expected === 'no_stream'
    ? NO_STREAM
    : expected === 'any'
      ? ANY
      : expected === 'exists'
        ? EXISTS
        : expected;

const decodeExpected = (code: number): ExpectedRevision =>
  code === NO_STREAM ? 'no_stream' : code === ANY ? 'any' : code === EXISTS ? 'exists' : code;

/**
 * Encodes a group of appends as one or more messages, each holding at most
 * about `maxChars` characters of text (a V8 string cannot grow without bound).
 */
export function* encodeAppends(
  appends: readonly { readonly id: number; readonly request: AppendRequest }[],
  maxChars = 1 << 25,
): Generator<EncodedAppends> {
  let numbers: number[] = [];
  let strings: string[] = [];
  let chars = 0;
  for (const { id, request } of appends) {
    const { streamId, expectedRevision, events } = request;
    numbers.push(id, encodeExpected(expectedRevision), events.length, streamId.length);
    strings.push(streamId);
    chars += streamId.length;
    for (const e of events) {
      numbers.push(e.eventId.length, e.type.length, e.data.length, e.metadata.length);
      strings.push(e.eventId, e.type, e.data, e.metadata);
      chars += e.eventId.length + e.type.length + e.data.length + e.metadata.length;
    }
    if (chars >= maxChars) {
      yield { numbers: Float64Array.from(numbers), text: strings.join('') };
      numbers = [];
      strings = [];
      chars = 0;
    }
  }
  if (numbers.length > 0) yield { numbers: Float64Array.from(numbers), text: strings.join('') };
}

/**
 * A slice of a long string may share the long string's memory and keep all of
 * it alive. Stream ids outlive their group (the writer remembers revisions by
 * stream), so they get memory of their own; the other fields die with it.
 */
const ownCopy = (slice: string): string => (' ' + slice).slice(1);

/** Calls `each` with every append of the group, in order. */
export function decodeAppends(
  { numbers, text }: EncodedAppends,
  each: (id: number, request: AppendRequest) => void,
): void {
  let n = 0;
  let at = 0;
  const next = () => numbers[n++] ?? 0;
  const take = () => {
    const length = next();
    const value = text.slice(at, at + length);
    at += length;
    return value;
  };
  while (n < numbers.length) {
    const id = next();
    const expectedRevision = decodeExpected(next());
    const count = next();
    const streamId = ownCopy(take());
    const events = [];
    for (let i = 0; i < count; i++) {
      events.push({ eventId: take(), type: take(), data: take(), metadata: take() });
    }
    each(id, { streamId, expectedRevision, events });
  }
}

const APPENDED = 0;
const CONFLICT = 1;
const FAILED = 2;

export function encodeOutcomes(
  ids: readonly number[],
  outcomes: readonly AppendOutcome[],
): EncodedOutcomes {
  const numbers = new Float64Array(outcomes.length * 4);
  const messages: string[] = [];
  outcomes.forEach((outcome, i) => {
    const row = [ids[i] ?? -1, APPENDED, 0, 0];
    if (outcome.kind === 'appended') {
      row[2] = outcome.nextRevision;
      row[3] = outcome.position;
    } else if (outcome.kind === 'conflict') {
      row[1] = CONFLICT;
      row[2] = outcome.actual === 'no_stream' ? NO_STREAM : outcome.actual;
    } else {
      row[1] = FAILED;
      row[2] = messages.push(outcome.message) - 1;
    }
    numbers.set(row, i * 4);
  });
  return { numbers, messages };
}

export function* decodeOutcomes({
  numbers,
  messages,
}: EncodedOutcomes): Generator<{ id: number; outcome: AppendOutcome }> {
  for (let i = 0; i + 3 < numbers.length; i += 4) {
    const id = numbers[i] ?? -1;
    const kind = numbers[i + 1];
    const a = numbers[i + 2] ?? 0;
    const b = numbers[i + 3] ?? 0;
    if (kind === APPENDED)
      yield { id, outcome: { kind: 'appended', nextRevision: a, position: b } };
    else if (kind === CONFLICT)
      yield { id, outcome: { kind: 'conflict', actual: a === NO_STREAM ? 'no_stream' : a } };
    else yield { id, outcome: { kind: 'failed', message: messages[a] ?? 'append failed' } };
  }
}
