import type { ReadStore } from '../stores/read-store.js';

export interface LeaseKeeperOptions {
  readonly readStore: ReadStore;
  readonly lease: string;
  readonly holder: string;
  readonly ttlMs: number;
  readonly clock: () => number;
  readonly onError: (error: unknown) => void;
}

/**
 * Holds a lease for as long as it can: renews it every third of its time to
 * live and reports the moment it can no longer be sure it holds it (another
 * holder took it, or renewals failed until it ran out). Without fencing in
 * the port, the holder must check `held()` right before each commit.
 */
export class LeaseKeeper {
  private expiresAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private renewal: Promise<void> | undefined;

  constructor(private readonly options: LeaseKeeperOptions) {}

  async acquire(): Promise<boolean> {
    const { readStore, lease, holder, ttlMs, clock } = this.options;
    const asked = clock();
    const granted = await readStore.acquireLease(lease, holder, ttlMs);
    this.expiresAt = granted ? asked + ttlMs : 0;
    return granted;
  }

  /** Sure to hold the lease for a little longer (a tenth of its time to live). */
  held(): boolean {
    return this.options.clock() < this.expiresAt - this.options.ttlMs / 10;
  }

  /** Renews until stopped; calls `onLost` once when the lease is gone, `onRenewed` after each renewal. */
  keep(onLost: () => void, onRenewed: () => void): void {
    this.timer = setInterval(() => {
      if (this.renewal) return;
      this.renewal = this.acquire()
        .then(
          (granted) => (granted ? onRenewed() : this.lose(onLost)),
          (error: unknown) => {
            this.options.onError(error);
            if (!this.held()) this.lose(onLost);
          },
        )
        .finally(() => (this.renewal = undefined));
    }, this.options.ttlMs / 3);
  }

  async release(): Promise<void> {
    this.stopRenewing();
    await this.renewal;
    this.expiresAt = 0;
    try {
      await this.options.readStore.releaseLease(this.options.lease, this.options.holder);
    } catch (error) {
      this.options.onError(error);
    }
  }

  stopRenewing(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private lose(onLost: () => void): void {
    this.stopRenewing();
    this.expiresAt = 0;
    onLost();
  }
}
