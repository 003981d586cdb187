import type { RawEventRow } from './log-rows.js';
import type { Direction, EventFilter } from '../event-store.js';

export type ToPageReader =
  | {
      readonly kind: 'read';
      readonly id: number;
      readonly after: number;
      readonly direction: Direction;
      readonly filter: EventFilter | undefined;
      readonly limit: number;
    }
  | { readonly kind: 'close' };

export type FromPageReader =
  | { readonly kind: 'ready' }
  | { readonly kind: 'open-failed'; readonly message: string }
  /** `json`: the page as one JSON array of rows (see `PageRow`), data and metadata inlined. */
  | { readonly kind: 'page'; readonly id: number; readonly rows: RawEventRow[] }
  | { readonly kind: 'failed'; readonly id: number; readonly message: string };

/** position, stream id, revision, event id, type, data, metadata, recorded at. */
export type PageRow = [
  number,
  string,
  number,
  string,
  string,
  unknown,
  Record<string, unknown>,
  string,
];
