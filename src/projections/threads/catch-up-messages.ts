/** Where a catch-up thread opens its own connections to the engine's stores. */
export interface CatchUpStores {
  /** KurrentDB; the embedded event store in `eventStoreDir` when absent. */
  readonly eventStoreUrl?: string | undefined;
  readonly eventStoreDir: string;
  /** MongoDB; the embedded read store in `readStoreDir` when absent. */
  readonly mongoUrl?: string | undefined;
  readonly readStoreDir: string;
  /** The embedded read store's page cache per connection, in MiB; its default when absent. */
  readonly readCacheMiB?: number | undefined;
}

export interface CatchUpWorkerData {
  readonly projection: string;
  readonly holder: string;
  readonly stores: CatchUpStores;
}

export type ToCatchUpThread = 'stop';

/** An error the thread's runner reported (it retries, or parks the event). */
export interface FromCatchUpThread {
  readonly kind: 'error';
  readonly message: string;
  readonly position?: string;
}
