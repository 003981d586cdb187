import type { SqliteDatabase } from './sqlite-database.js';

export interface TailEvent {
  readonly position: number;
  readonly revision: number;
}

interface TailEntry extends TailEvent {
  readonly streamId: string;
}

/** Streams whose last revision a connection keeps, the most recently seen ones. */
const KNOWN_STREAMS = 20_000;

/**
 * Events already indexed that a refresh still reads to keep the known
 * revisions (a writer indexes the tail in the transaction that makes it too
 * long, so a reader that kept up still finds `through` past what it read).
 */
export const CATCH_UP_WINDOW = 4_096;

/**
 * A connection's map of the unindexed tail (see stream-index.ts): which
 * positions after `through` belong to which stream. Scanning the tail for one
 * stream reads every row of it; this map reads each tail row once, when the
 * connection first refreshes after it was written, and forgets it once the
 * index covers it. It holds at most the tail, fewer than STREAM_INDEX_LAG
 * events plus one transaction's.
 */
export function createStreamTail(db: SqliteDatabase) {
  // `through` (the row without a stream) and the rows after what this map has
  // read (indexed ones only within the window), in one statement: one read
  // transaction, one snapshot.
  const refreshRows = db
    .prepare<{ seen: number; window: number }, [string | null, number, number | null]>(
      `SELECT NULL, through, NULL FROM stream_index_state
       UNION ALL
       SELECT stream_id, position, revision FROM events
        WHERE position > max(:seen, (SELECT through FROM stream_index_state) - :window)`,
    )
    .raw();
  // data_version changes when another connection commits, total_changes() when this one writes.
  const changes = db
    .prepare<[], [number, number]>('SELECT data_version, total_changes() FROM pragma_data_version')
    .raw();
  /** Both as of the last refresh: while they hold, the log has not changed. */
  let version = '';
  const byStream = new Map<string, TailEntry[]>();
  /** Every entry in position order; entries before `start` are forgotten. */
  let entries: TailEntry[] = [];
  let start = 0;
  let through = 0;
  /** The last position this map has read. */
  let seen = 0;
  /**
   * Streams' last revisions as of `seen`. Every event after `seen` comes
   * through `refresh`, which moves its stream's entry on, so an entry stays
   * right for as long as the refreshes leave no gap (see `refresh`).
   */
  const known = new Map<string, number>();

  function learn(streamId: string, revision: number): void {
    known.delete(streamId);
    known.set(streamId, revision);
    if (known.size > KNOWN_STREAMS) known.delete(known.keys().next().value!);
  }

  function forgetThrough(position: number): void {
    const touched = new Set<string>();
    while (start < entries.length && entries[start]!.position <= position) {
      touched.add(entries[start]!.streamId);
      start += 1;
    }
    for (const streamId of touched) {
      const kept = byStream.get(streamId)?.filter((e) => e.position > position) ?? [];
      if (kept.length > 0) byStream.set(streamId, kept);
      else byStream.delete(streamId);
    }
    if (start > 1024 && start * 2 > entries.length) {
      entries = entries.slice(start);
      start = 0;
    }
  }

  return {
    /**
     * Brings the map up to date with the log and returns `through`: the
     * stream index covers every event up to it, the map every event after it
     * up to the head as of this call.
     */
    refresh(): number {
      // Read before the log: a commit in between is then seen by the next refresh.
      const current = String(changes.get());
      if (current === version) return through;
      version = current;
      const rows = refreshRows.all({ seen, window: CATCH_UP_WINDOW });
      const indexed = rows.find((row) => row[0] === null)?.[1] ?? 0;
      // Events indexed before this map could read them never come through
      // here, so their streams' known revisions may be behind: forget them all.
      if (indexed - CATCH_UP_WINDOW > seen) known.clear();
      if (indexed > through) {
        forgetThrough(indexed);
        through = indexed;
      }
      // Rows come in position order; sorting only guards a change of plan.
      const added = rows.filter((row): row is [string, number, number] => row[0] !== null);
      if (added.some((row, i) => i > 0 && row[1] < added[i - 1]![1]))
        added.sort((a, b) => a[1] - b[1]);
      for (const [streamId, position, revision] of added) {
        if (position <= seen) continue;
        learn(streamId, revision);
        seen = position;
        if (position <= through) continue;
        const entry = { position, streamId, revision };
        entries.push(entry);
        const events = byStream.get(streamId);
        if (events) events.push(entry);
        else byStream.set(streamId, [entry]);
      }
      seen = Math.max(seen, through);
      return through;
    },
    /** A stream's events after `through`, in revision order, as of the last refresh. */
    events(streamId: string): readonly TailEvent[] {
      return byStream.get(streamId) ?? [];
    },
    /** The stream's last revision as of the last refresh, when this map knows it. */
    lastRevision(streamId: string): number | undefined {
      return known.get(streamId);
    },
    /**
     * Records a stream's last revision as of the last refresh, found by a read
     * that went to the end of the stream (index up to `through`, then the tail).
     */
    learn,
  };
}
