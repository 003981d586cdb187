/** Where a catch-up thread opens its own connections to the engine's stores. */
export interface CatchUpStores {
  /** KurrentDB; the embedded event store in `eventStoreDir` when absent. */
  readonly eventStoreUrl?: string | undefined;
  readonly eventStoreDir: string;
  /** MongoDB; the embedded read store in `readStoreDir` when absent. */
  readonly mongoUrl?: string | undefined;
  readonly readStoreDir: string;
}

export interface CatchUpWorkerData {
  readonly projection: string;
  readonly holder: string;
  readonly stores: CatchUpStores;
}

export type ToCatchUpThread = 'stop';

export type FromCatchUpThread =
  /** The runner has started: applying (it holds the lease) or standing by (another does). */
  | { readonly kind: 'started'; readonly applying: boolean }
  | { readonly kind: 'error'; readonly message: string; readonly position?: string }
  /** Stopped: caught up with the head it saw at start, or asked to stop. */
  | { readonly kind: 'done' };
