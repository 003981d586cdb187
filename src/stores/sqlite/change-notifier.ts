import type { SqliteDatabase } from './sqlite-database.js';

/**
 * Wakes subscribers when the log may have grown: after this process commits,
 * and by polling SQLite's data_version for commits of other processes. The
 * poll runs only while someone listens. Wake-ups are coalesced to one per turn
 * of the event loop, so commits answered in the same turn cost each
 * subscriber one read, not one read per commit.
 */
export class ChangeNotifier {
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private lastVersion = -1;
  private pending: NodeJS.Immediate | undefined;
  private readonly dataVersion: () => number;

  constructor(
    db: SqliteDatabase,
    private readonly pollIntervalMs: number,
  ) {
    const statement = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.dataVersion = () => statement.get() ?? 0;
  }

  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.timer) {
      this.lastVersion = this.dataVersion();
      this.timer = setInterval(() => this.poll(), this.pollIntervalMs);
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  notify(): void {
    this.pending ??= setImmediate(() => {
      this.pending = undefined;
      for (const listener of [...this.listeners]) listener();
    });
  }

  close(): void {
    this.listeners.clear();
    if (this.pending) clearImmediate(this.pending);
    this.pending = undefined;
    this.stop();
  }

  private poll(): void {
    const version = this.dataVersion();
    if (version === this.lastVersion) return;
    this.lastVersion = version;
    this.notify();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
