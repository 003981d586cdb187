/**
 * Snapshots shorten the load of long streams. They are an optimisation only:
 * a lost or stale snapshot costs a longer read, never a wrong state, because
 * the events after its revision are always read and folded.
 */
export interface Snapshot {
  readonly revision: number;
  /** Identifies the shape of `state`; a snapshot of another version is ignored. */
  readonly version: string;
  readonly state: unknown;
}

export interface SnapshotStore {
  loadSnapshot(streamId: string): Promise<Snapshot | undefined>;
  saveSnapshot(streamId: string, snapshot: Snapshot): void;
}
