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
  | { readonly kind: 'page'; readonly id: number; readonly rows: RawEventRow[] }
  | { readonly kind: 'failed'; readonly id: number; readonly message: string };
