import type { RetryOutcome } from '../projections/dead-letters.js';
import type { ReadModels } from '../projections/read-models.js';
import type { EventStore } from '../stores/event-store.js';
import type { ReadStore } from '../stores/read-store.js';
import type { SnapshotStore } from '../stores/snapshot-store.js';
import {
  deadLetterViews,
  retryParked,
  skipParked,
  type DeadLetterView,
} from './dead-letter-ops.js';
import type { ProgressListener } from './progress.js';
import { projectionOverview, type ProjectionOverview } from './projection-overview.js';
import { projectionNamed } from './read-model-names.js';
import { verifyReadModel, type VerifyResult } from './read-model-verify.js';
import { rebuildReadModel, type RebuildDeps, type RebuildResult } from './shadow-rebuild.js';
import {
  listStreams,
  showStream,
  type InspectedEvent,
  type StreamListing,
  type StreamPage,
} from './stream-inspection.js';
import { replayStream, type ReplayResult } from './stream-replay.js';
import { stateAt, type PointInTime, type StateAt } from './time-travel.js';
import { shownEventData, shownState } from './redaction.js';

export type { DeadLetterView, InspectedEvent, ProjectionOverview, RebuildResult, ReplayResult };
export type { StateAt, StreamListing, StreamPage, VerifyResult };

export interface OperationsDeps {
  readonly eventStore: EventStore;
  readonly readStore: ReadStore;
  /** Lease holder id of this process. */
  readonly holder: string;
  /** The live runners when called inside a server; undefined from the CLI. */
  readonly readModels?: ReadModels;
  /** Lets time travel start from a snapshot. */
  readonly snapshots?: SnapshotStore;
  /** Time to live of the leases operations take (default 30 s); a crashed holder's lease runs out after it. */
  readonly leaseTtlMs?: number;
}

export interface RebuildOptions {
  /** Called once the rebuild holds its lease: a second rebuild of the same read model is refused before. */
  readonly onStarted?: () => void;
}

const DEFAULT_LEASE_TTL_MS = 30_000;

/**
 * The operator's powers over the log and the read models, for the ops routes
 * and the command line alike: inspect streams, time-travel an aggregate,
 * rebuild, verify and replay read models, and handle dead letters.
 */
export class Operations {
  private readonly deps: RebuildDeps & { readonly snapshots?: SnapshotStore | undefined };

  constructor(deps: OperationsDeps) {
    this.deps = { ...deps, leaseTtlMs: deps.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS };
  }

  listStreams(q: { prefix?: string; limit: number; cursor?: string }): Promise<StreamListing> {
    return listStreams(this.deps.eventStore, q);
  }

  /** NOT_FOUND for a stream with no events. */
  async showStream(
    streamId: string,
    q: { fromRevision?: number; limit: number },
  ): Promise<StreamPage> {
    const page = await showStream(this.deps.eventStore, streamId, q);
    return {
      ...page,
      items: page.items.map((event) => ({
        ...event,
        data: shownEventData(event.type, event.data),
      })),
    };
  }

  /** NOT_FOUND for an unknown stream or category; VALIDATION_FAILED for a revision past the head. */
  async stateAt(streamId: string, at: PointInTime): Promise<StateAt> {
    const answer = await stateAt(this.deps.eventStore, this.deps.snapshots, streamId, at);
    return { ...answer, state: shownState(answer.state) };
  }

  projections(): Promise<ProjectionOverview[]> {
    return projectionOverview(this.deps);
  }

  async rebuild(
    name: string,
    onProgress?: ProgressListener,
    options: RebuildOptions = {},
  ): Promise<RebuildResult> {
    const projection = projectionNamed(name);
    return await rebuildReadModel(this.deps, projection, {
      onProgress,
      onStarted: options.onStarted,
    });
  }

  async verify(name: string, onProgress?: ProgressListener): Promise<VerifyResult> {
    return await verifyReadModel(this.deps, projectionNamed(name), onProgress);
  }

  async replay(
    name: string,
    streamId: string,
    onProgress?: ProgressListener,
  ): Promise<ReplayResult> {
    return await replayStream(this.deps, projectionNamed(name), streamId, onProgress);
  }

  deadLetters(projection?: string): Promise<DeadLetterView[]> {
    return deadLetterViews(this.deps, projection);
  }

  retryDeadLetter(id: string): Promise<RetryOutcome> {
    return retryParked(this.deps, id);
  }

  skipDeadLetter(id: string): Promise<void> {
    return skipParked(this.deps, id);
  }
}
