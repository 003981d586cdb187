import { v7 as uuidv7 } from 'uuid';
import { describeError } from '../projections/dead-letters.js';
import { ratePerSecond, type Progress, type ProgressListener } from './progress.js';

export type JobStatus = 'running' | 'succeeded' | 'failed';

/** What `GET /v1/ops/jobs/:jobId` answers. */
export interface JobView {
  readonly jobId: string;
  readonly kind: string;
  readonly status: JobStatus;
  readonly processed: number;
  readonly total: number;
  readonly eventsPerSecond: number;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly result?: unknown;
  readonly error?: string;
}

interface JobRecord {
  readonly jobId: string;
  readonly kind: string;
  readonly startedAtMs: number;
  status: JobStatus;
  progress: Progress;
  finishedAtMs?: number;
  result?: unknown;
  error?: string;
  done: Promise<void>;
}

/**
 * Long work started over HTTP runs in the background as a job; its progress
 * and outcome are kept in memory (finished jobs are kept until `retain` newer
 * ones have finished).
 */
export class Jobs {
  private readonly jobs = new Map<string, JobRecord>();

  constructor(
    private readonly clock: () => number = Date.now,
    private readonly retain = 100,
  ) {}

  /** Starts `work` and returns its job id at once. */
  start(kind: string, work: (onProgress: ProgressListener) => Promise<unknown>): string {
    const jobId = uuidv7();
    const record: JobRecord = {
      jobId,
      kind,
      startedAtMs: this.clock(),
      status: 'running',
      progress: { processed: 0, total: 0 },
      done: Promise.resolve(),
    };
    this.jobs.set(jobId, record);
    record.done = Promise.resolve()
      .then(() => work((progress) => (record.progress = progress)))
      .then(
        (result) => {
          record.status = 'succeeded';
          record.result = result;
        },
        (error: unknown) => {
          record.status = 'failed';
          record.error = describeError(error);
        },
      )
      .finally(() => {
        record.finishedAtMs = this.clock();
        this.forgetOldest();
      });
    return jobId;
  }

  get(jobId: string): JobView | undefined {
    const record = this.jobs.get(jobId);
    if (!record) return undefined;
    const end = record.finishedAtMs ?? this.clock();
    return {
      jobId: record.jobId,
      kind: record.kind,
      status: record.status,
      processed: record.progress.processed,
      total: Math.max(record.progress.total, record.progress.processed),
      eventsPerSecond: ratePerSecond(record.progress.processed, end - record.startedAtMs),
      startedAt: new Date(record.startedAtMs).toISOString(),
      ...(record.finishedAtMs === undefined
        ? {}
        : { finishedAt: new Date(record.finishedAtMs).toISOString() }),
      ...(record.result === undefined ? {} : { result: record.result }),
      ...(record.error === undefined ? {} : { error: record.error }),
    };
  }

  /** Resolves when the job has finished (for tests and graceful shutdown). */
  async settled(jobId: string): Promise<JobView | undefined> {
    await this.jobs.get(jobId)?.done;
    return this.get(jobId);
  }

  /** Resolves when every running job has finished. */
  async drain(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((job) => job.done));
  }

  private forgetOldest(): void {
    const finished = [...this.jobs.values()].filter((job) => job.status !== 'running');
    for (const job of finished.slice(0, Math.max(0, finished.length - this.retain))) {
      this.jobs.delete(job.jobId);
    }
  }
}
