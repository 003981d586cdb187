import { AppError } from '../../errors.js';
import { newEventId } from '../../events/event-ids.js';
import { Operations } from '../../ops/operations.js';
import type { ProgressListener } from '../../ops/progress.js';
import type { ApiDeps } from '../api-deps.js';
import { route, type RouteDeps } from '../route.js';
import {
  deadLettersPage,
  deadLettersQuery,
  eventsPage,
  idParams,
  jobAnswer,
  jobParams,
  jobStarted,
  nameParams,
  projectionsAnswer,
  replayBody,
  retryAnswer,
  stateAnswer,
  stateQuery,
  streamEventsQuery,
  streamParams,
  streamsPage,
  streamsQuery,
} from './ops-schemas.js';

const OPS = ['ops'] as const;
const TAG = 'ops';
const DEFAULT_LIMIT = 20;

/**
 * Starts long work as a job and answers once it has really begun, so a
 * refusal at the start (unknown read model, a rebuild already running)
 * is answered as such rather than as a failed job.
 */
function startJob(
  deps: ApiDeps,
  kind: string,
  work: (onProgress: ProgressListener, started: () => void) => Promise<unknown>,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let jobId = '';
    let begun = false;
    const started = () => {
      begun = true;
      resolve(jobId);
    };
    jobId = deps.jobs.start(kind, (onProgress) => {
      const running = Promise.resolve().then(() => work(onProgress, started));
      running.catch((error: unknown) => {
        if (!begun) reject(error instanceof Error ? error : new Error(String(error)));
      });
      return running;
    });
  });
}

/** Work that has begun once it is called: nothing to refuse before the job starts. */
const beginsOnCall =
  (work: (onProgress: ProgressListener) => Promise<unknown>) =>
  (onProgress: ProgressListener, started: () => void): Promise<unknown> => {
    const running = work(onProgress);
    started();
    return running;
  };

/** The operator's routes: streams, time travel, read models, jobs and dead letters (role ops). */
export function opsRoutes(r: RouteDeps, deps: ApiDeps): void {
  const ops =
    deps.operations ??
    new Operations({
      eventStore: deps.eventStore,
      readStore: deps.readStore,
      readModels: deps.readModels,
      holder: `ops:${newEventId()}`,
    });

  route(r, {
    method: 'get',
    path: '/v1/ops/streams',
    summary: 'Stream ids in id order, with the revision of each one’s last event',
    tag: TAG,
    access: OPS,
    query: streamsQuery,
    responses: { 200: { description: 'A page of streams', schema: streamsPage } },
    async handle({ query }) {
      const page = await ops.listStreams({
        limit: query.limit ?? DEFAULT_LIMIT,
        ...(query.prefix === undefined ? {} : { prefix: query.prefix }),
        ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      });
      return { status: 200, body: page };
    },
  });

  route(r, {
    method: 'get',
    path: '/v1/ops/streams/:streamId',
    summary: 'A stream’s events with metadata, revision and log position',
    tag: TAG,
    access: OPS,
    params: streamParams,
    query: streamEventsQuery,
    responses: {
      200: { description: 'A page of events', schema: eventsPage },
      404: { description: 'No such stream' },
    },
    async handle({ params, query }) {
      const fromRevision = query.cursor ?? query.fromRevision;
      const page = await ops.showStream(params.streamId, {
        limit: query.limit ?? DEFAULT_LIMIT,
        ...(fromRevision === undefined ? {} : { fromRevision }),
      });
      return { status: 200, body: page };
    },
  });

  route(r, {
    method: 'get',
    path: '/v1/ops/streams/:streamId/state',
    summary: 'The aggregate’s state after a revision (?revision=N) or at a time (?at=ISO time)',
    tag: TAG,
    access: OPS,
    params: streamParams,
    query: stateQuery,
    responses: {
      200: { description: 'The state then', schema: stateAnswer },
      404: { description: 'No such stream, or no aggregate for its category' },
    },
    async handle({ params, query }) {
      const when = query.at === undefined ? { revision: query.revision ?? 0 } : { at: query.at };
      const answer = await ops.stateAt(params.streamId, when);
      return { status: 200, body: answer, revision: answer.revision };
    },
  });

  route(r, {
    method: 'get',
    path: '/v1/ops/projections',
    summary: 'Every read model: checkpoint, lag, state and dead letters',
    tag: TAG,
    access: OPS,
    responses: { 200: { description: 'The read models', schema: projectionsAnswer } },
    async handle() {
      return { status: 200, body: await ops.projections() };
    },
  });

  route(r, {
    method: 'post',
    path: '/v1/ops/projections/:name/rebuild',
    summary:
      'Rebuilds a read model into shadow collections and swaps them in once caught up; the live one serves meanwhile',
    tag: TAG,
    access: OPS,
    params: nameParams,
    responses: {
      202: { description: 'Started; follow GET /v1/ops/jobs/{jobId}', schema: jobStarted },
      404: { description: 'No such read model' },
      409: { description: 'A rebuild of this read model is already running' },
    },
    async handle({ params }) {
      const jobId = await startJob(deps, `rebuild:${params.name}`, (onProgress, started) =>
        ops.rebuild(params.name, onProgress, { onStarted: started }),
      );
      return { status: 202, body: { jobId } };
    },
  });

  route(r, {
    method: 'post',
    path: '/v1/ops/projections/:name/replay',
    summary: 'Recomputes the read model’s documents that one stream’s events name',
    tag: TAG,
    access: OPS,
    params: nameParams,
    body: replayBody,
    responses: {
      202: { description: 'Started; follow GET /v1/ops/jobs/{jobId}', schema: jobStarted },
      404: { description: 'No such read model or stream' },
    },
    async handle({ params, body }) {
      await ops.showStream(body.streamId, { limit: 1 });
      const jobId = await startJob(
        deps,
        `replay:${params.name}`,
        beginsOnCall((onProgress) => ops.replay(params.name, body.streamId, onProgress)),
      );
      return { status: 202, body: { jobId } };
    },
  });

  route(r, {
    method: 'post',
    path: '/v1/ops/projections/:name/verify',
    summary:
      'Rebuilds a read model into scratch collections and lists every difference from the live one',
    tag: TAG,
    access: OPS,
    params: nameParams,
    responses: {
      202: {
        description: 'Started; the job’s result lists the differences',
        schema: jobStarted,
      },
      404: { description: 'No such read model' },
    },
    async handle({ params }) {
      const jobId = await startJob(
        deps,
        `verify:${params.name}`,
        beginsOnCall((onProgress) => ops.verify(params.name, onProgress)),
      );
      return { status: 202, body: { jobId } };
    },
  });

  route(r, {
    method: 'get',
    path: '/v1/ops/jobs/:jobId',
    summary: 'Progress and outcome of a rebuild, replay or verification',
    tag: TAG,
    access: OPS,
    params: jobParams,
    responses: {
      200: { description: 'The job', schema: jobAnswer },
      404: { description: 'No such job (or forgotten after a restart)' },
    },
    async handle({ params }) {
      const job = deps.jobs.get(params.jobId);
      if (!job) throw new AppError('NOT_FOUND', `No job ${params.jobId}`, { jobId: params.jobId });
      return { status: 200, body: job };
    },
  });

  route(r, {
    method: 'get',
    path: '/v1/ops/dead-letters',
    summary: 'Events a read model parked because applying them failed, with the error',
    tag: TAG,
    access: OPS,
    query: deadLettersQuery,
    responses: { 200: { description: 'A page of dead letters', schema: deadLettersPage } },
    async handle({ query }) {
      const all = await ops.deadLetters(query.projection);
      const limit = query.limit ?? DEFAULT_LIMIT;
      const start =
        query.cursor === undefined ? 0 : all.findIndex((l) => l.id === query.cursor) + 1;
      const items = all.slice(start, start + limit);
      const last = items[items.length - 1];
      const nextCursor = start + limit < all.length && last ? last.id : null;
      return { status: 200, body: { items, nextCursor } };
    },
  });

  route(r, {
    method: 'post',
    path: '/v1/ops/dead-letters/:id/retry',
    summary: 'Applies a parked event again; on success its dead letter is gone',
    tag: TAG,
    access: OPS,
    params: idParams,
    responses: {
      200: { description: 'Whether it applied this time', schema: retryAnswer },
      404: { description: 'No such dead letter' },
      409: { description: 'Another process applies this read model' },
    },
    async handle({ params }) {
      const outcome = await ops.retryDeadLetter(params.id);
      return { status: 200, body: { id: params.id, ...outcome } };
    },
  });

  route(r, {
    method: 'post',
    path: '/v1/ops/dead-letters/:id/skip',
    summary: 'Gives up on a parked event (kept among the skipped ones for the record)',
    tag: TAG,
    access: OPS,
    params: idParams,
    responses: {
      204: { description: 'Skipped' },
      404: { description: 'No such dead letter' },
    },
    async handle({ params }) {
      await ops.skipDeadLetter(params.id);
      return { status: 204 };
    },
  });
}
