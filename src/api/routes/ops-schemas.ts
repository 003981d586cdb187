import { z } from 'zod';
import { cursorParam, limitParam, textParam, wholeNumber } from './query-params.js';

/** Schemas of the ops routes (requests and, for the OpenAPI document, answers). */

const STREAM_ID = /^[^\s/\\]{1,300}$/;

export const streamIdParam = z
  .string()
  .regex(STREAM_ID, 'streamId is 1 to 300 characters without spaces or slashes')
  .describe('A stream id: <category>-<id>, e.g. order-0190…');

export const streamParams = z.strictObject({ streamId: streamIdParam });
export const nameParams = z.strictObject({
  name: textParam('name', 100).describe(
    'A read model: catalog, orders, search, sales, recommendations',
  ),
});
export const idParams = z.strictObject({ id: textParam('id', 300).describe('The dead letter id') });
export const jobParams = z.strictObject({ jobId: textParam('jobId', 100) });

export const streamsQuery = z.strictObject({
  prefix: z
    .string()
    .max(300, 'prefix has at most 300 characters')
    .optional()
    .describe('Only stream ids starting with this, e.g. order-'),
  limit: limitParam.optional(),
  cursor: cursorParam.optional(),
});

const revisionParam = (name: string) =>
  wholeNumber(0, Number.MAX_SAFE_INTEGER, `${name} is a whole number from 0`);

export const streamEventsQuery = z.strictObject({
  fromRevision: revisionParam('fromRevision')
    .optional()
    .describe('First revision to show (default 0)'),
  limit: limitParam.optional(),
  cursor: revisionParam('cursor').optional().describe('nextCursor of the previous page'),
});

export const stateQuery = z
  .strictObject({
    revision: revisionParam('revision')
      .optional()
      .describe("The state after this revision's event"),
    at: z.iso
      .datetime({ offset: true, error: 'at is an ISO 8601 time, e.g. 2026-01-31T12:00:00Z' })
      .transform((text) => new Date(text))
      .optional()
      .describe('The state after every event that happened by then'),
  })
  .superRefine((value, ctx) => {
    if ((value.revision === undefined) === (value.at === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['revision'], message: 'give either revision or at' });
    }
  });

export const deadLettersQuery = z.strictObject({
  projection: textParam('projection').optional().describe('Only this read model'),
  limit: limitParam.optional(),
  cursor: cursorParam.optional(),
});

export const replayBody = z.strictObject({ streamId: streamIdParam });

const recorded = z.object({
  streamId: z.string(),
  revision: z.number(),
  position: z.string(),
  eventId: z.string(),
  type: z.string(),
  data: z.unknown(),
  metadata: z.record(z.string(), z.unknown()),
  recordedAt: z.string(),
});

export const streamsPage = z.object({
  items: z.array(z.object({ streamId: z.string(), revision: z.number() })),
  nextCursor: z.string().nullable().describe('Null on the last page'),
});

export const eventsPage = z.object({
  items: z.array(recorded),
  nextCursor: z.string().nullable().describe('The next revision; null on the last page'),
});

export const stateAnswer = z.object({
  streamId: z.string(),
  aggregate: z.string(),
  revision: z.number().describe('Revision of the last event folded; -1 before the first'),
  state: z.unknown(),
});

export const projectionsAnswer = z.array(
  z.object({
    name: z.string(),
    position: z.string().nullable(),
    lagEvents: z.number(),
    status: z.string(),
    deadLetters: z.number(),
    error: z.string().optional(),
  }),
);

export const jobStarted = z.object({ jobId: z.string() });

export const jobAnswer = z.object({
  jobId: z.string(),
  kind: z.string(),
  status: z.enum(['running', 'succeeded', 'failed']),
  processed: z.number(),
  total: z.number(),
  eventsPerSecond: z.number(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  result: z.unknown().optional(),
  error: z.string().optional(),
});

export const deadLettersPage = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      projection: z.string(),
      position: z.string(),
      streamId: z.string(),
      revision: z.number(),
      eventId: z.string(),
      type: z.string(),
      error: z.string(),
      attempts: z.number(),
      parkedAt: z.string(),
      event: recorded.nullable().describe('Null when the log no longer has it'),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const retryAnswer = z.object({
  id: z.string(),
  retried: z.boolean(),
  error: z.string().optional().describe('Why it failed again (it stays parked)'),
});
