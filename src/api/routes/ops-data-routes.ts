import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { exportLogToFile } from '../../ops/log-export.js';
import { assertImportable, importLogFile } from '../../ops/log-import.js';
import type { ProgressListener } from '../../ops/progress.js';
import { seedOptions, seedOptionsSchema } from '../../ops/seed/seed-options.js';
import { assertNoCatalog, seedShop } from '../../ops/seed/seed-shop.js';
import type { ApiDeps } from '../api-deps.js';
import { route, type RouteDeps, type RouteSpec } from '../route.js';
import { parse } from '../validation.js';

const OPS = ['ops'] as const;
const TAG = 'ops';

const jobStarted = {
  202: {
    description: 'Started; follow it at GET /v1/ops/jobs/:jobId',
    schema: z.object({ jobId: z.string() }),
  },
};

/** A file name inside the exports directory: no directories, no leading dot. */
const exportFileName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/, 'a file name in the exports directory, without a path');

const exportJobParams = z.strictObject({
  jobId: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a job id'),
});

export const exportsDirectory = (dataDir: string): string => path.join(dataDir, 'exports');

/** Starts a job whose work needs its own id (to name its file). */
function startJobWithId(
  deps: ApiDeps,
  kind: string,
  work: (jobId: string, onProgress: ProgressListener) => Promise<unknown>,
): string {
  let resolveId: (id: string) => void = () => undefined;
  const id = new Promise<string>((resolve) => (resolveId = resolve));
  const jobId = deps.jobs.start(kind, async (onProgress) => work(await id, onProgress));
  resolveId(jobId);
  return jobId;
}

/**
 * Runs bulk writes with this engine's fulfilment process paused: it would
 * otherwise react to imported orders that the file decides a few lines later
 * (and its writes would then clash with the import's), or race the seed,
 * which does the process's work itself at simulated times. On resuming, the
 * process catches up from its checkpoint; its steps are idempotent.
 */
async function withProcessesPaused<T>(deps: ApiDeps, work: () => Promise<T>): Promise<T> {
  const resume = await deps.pauseProcesses?.();
  try {
    return await work();
  } finally {
    await resume?.();
  }
}

/**
 * The log's export, import and the demo-shop seed as background jobs (role
 * ops). Exports are written to DATA_DIR/exports/<jobId>.ndjson and imports
 * read only from that directory.
 */
export function opsDataRoutes(r: RouteDeps, deps: ApiDeps): void {
  const exportsDir = exportsDirectory(deps.dataDir);

  route(r, {
    method: 'post',
    path: '/v1/ops/export',
    summary: 'Export the whole log as NDJSON into the exports directory, as a job',
    tag: TAG,
    access: OPS,
    responses: jobStarted,
    async handle() {
      await fs.promises.mkdir(exportsDir, { recursive: true });
      const jobId = startJobWithId(deps, 'export', async (id, onProgress) => {
        const file = `${id}.ndjson`;
        const result = await exportLogToFile(deps.eventStore, path.join(exportsDir, file), {
          onProgress,
        });
        return { file, ...result };
      });
      return { status: 202, body: { jobId } };
    },
  });

  const download: RouteSpec<undefined, undefined, { jobId: string }> = {
    method: 'get',
    path: '/v1/ops/exports/:jobId',
    summary: 'Download a finished export (application/x-ndjson)',
    tag: TAG,
    access: OPS,
    params: exportJobParams,
    responses: {
      200: { description: 'The export, one event per line' },
      404: { description: 'No such export' },
      409: { description: 'The export job is still running or failed' },
    },
    handle: () => Promise.reject(new Error('served as a stream')),
  };
  r.registry.add(download);
  r.router.get(download.path, async (req: Request, res: Response, next) => {
    try {
      const principal = await r.authenticate(req);
      if (!principal)
        throw new AppError('UNAUTHENTICATED', 'Sign in: send Authorization: Bearer <token>');
      if (!principal.roles.includes('ops'))
        throw new AppError('FORBIDDEN', 'This needs the role ops');
      const { jobId } = parse(exportJobParams, req.params, 'params');
      const job = deps.jobs.get(jobId);
      if (job && job.kind !== 'export') throw new AppError('NOT_FOUND', `No export ${jobId}`);
      if (job?.status === 'running') {
        throw new AppError('JOB_NOT_FINISHED', `Export ${jobId} is still running`, { jobId });
      }
      if (job?.status === 'failed') {
        throw new AppError(
          'JOB_FAILED',
          `Export ${jobId} failed: ${job.error ?? 'unknown error'}`,
          { jobId },
        );
      }
      const file = path.join(exportsDir, `${jobId}.ndjson`);
      const stat = await fs.promises.stat(file).catch(() => undefined);
      if (!stat?.isFile()) throw new AppError('NOT_FOUND', `No export ${jobId}`);
      res.status(200);
      res.setHeader('Content-Type', 'application/x-ndjson');
      res.setHeader('Content-Length', String(stat.size));
      res.setHeader('Content-Disposition', `attachment; filename="${jobId}.ndjson"`);
      await pipeline(fs.createReadStream(file), res);
    } catch (error) {
      if (res.headersSent) res.destroy(error instanceof Error ? error : undefined);
      else next(error);
    }
  });

  route(r, {
    method: 'post',
    path: '/v1/ops/import',
    summary:
      'Import an NDJSON export from the exports directory, as a job (into an empty store, or with resume)',
    tag: TAG,
    access: OPS,
    body: z.strictObject({
      file: exportFileName,
      resume: z
        .boolean()
        .optional()
        .describe('Import into a store that holds events: events already stored are skipped'),
    }),
    responses: jobStarted,
    async handle({ body }) {
      const file = path.join(exportsDir, body.file);
      const stat = await fs.promises.stat(file).catch(() => undefined);
      if (!stat?.isFile())
        throw new AppError('NOT_FOUND', `No file ${body.file} in the exports directory`);
      const resume = body.resume ?? false;
      await assertImportable(deps.eventStore, resume);
      const jobId = deps.jobs.start('import', (onProgress) =>
        withProcessesPaused(deps, () =>
          importLogFile(deps.eventStore, file, { resume, onProgress }),
        ),
      );
      return { status: 202, body: { jobId } };
    },
  });

  route(r, {
    method: 'post',
    path: '/v1/ops/seed',
    summary: 'Build the demo shop (catalog, customers, coupons, months of orders) as a job',
    tag: TAG,
    access: OPS,
    body: seedOptionsSchema,
    responses: jobStarted,
    async handle({ body }) {
      const options = seedOptions(body);
      await assertNoCatalog(deps.eventStore);
      const jobId = deps.jobs.start('seed', (onProgress) =>
        withProcessesPaused(deps, () =>
          seedShop({ eventStore: deps.eventStore }, options, onProgress),
        ),
      );
      return { status: 202, body: { jobId } };
    },
  });
}
