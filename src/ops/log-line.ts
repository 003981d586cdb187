import { z } from 'zod';
import { AppError } from '../errors.js';
import type { RecordedEvent } from '../stores/event-store.js';

/**
 * One event of an NDJSON log export. `position` and `recordedAt` describe the
 * source store and are for information only: an import appends in file order
 * and the target store assigns its own.
 */
export interface LogLine {
  readonly streamId: string;
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly position?: string;
  readonly recordedAt?: string;
}

export const toLogLine = (event: RecordedEvent): string =>
  `${JSON.stringify({
    streamId: event.streamId,
    revision: event.revision,
    eventId: event.eventId,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    position: event.position,
    recordedAt: event.recordedAt,
  })}\n`;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const lineSchema = z.strictObject({
  streamId: z
    .string()
    .min(1)
    .max(1000)
    .regex(/^[^\s]+$/, 'no whitespace'),
  revision: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  eventId: z.string().regex(uuid, 'a UUID'),
  type: z.string().min(1).max(200),
  data: z.json(),
  metadata: z.record(z.string(), z.json()),
  position: z.string().max(100).optional(),
  recordedAt: z.string().max(100).optional(),
});

/** A line of an import that cannot be imported; `line` counts from 1. */
export const invalidLine = (line: number, problem: string): AppError =>
  new AppError('INVALID_LOG_LINE', `Line ${line}: ${problem}`, { line });

/** Parses and checks one line of an export; throws INVALID_LOG_LINE naming the line. */
export function parseLogLine(text: string, line: number): LogLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalidLine(line, `not JSON (${error instanceof Error ? error.message : 'unreadable'})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidLine(line, 'not a JSON object');
  }
  const parsed = lineSchema.safeParse(value);
  if (parsed.success) return parsed.data as LogLine;
  const problems = parsed.error.issues.map((issue) =>
    issue.code === 'unrecognized_keys'
      ? `unknown field ${issue.keys.join(', ')}`
      : `${issue.path.map(String).join('.') || 'line'}: ${issue.message}`,
  );
  throw invalidLine(line, problems.join('; '));
}
