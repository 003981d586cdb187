import { keyToken } from './element-index.js';
import type { KeyValue } from './index-keys.js';
import type { ReadConnection } from './read-connection.js';

/** A row's last change in the batch: its other keys' values, or removed. */
interface RowChange {
  readonly element: KeyValue;
  readonly id: string;
  readonly others: readonly (KeyValue | null)[] | 'removed';
}

const TYPE_ORDER = { number: 0, string: 1, object: 2 } as const;

/** Roughly SQLite's key order (numbers, text, blobs), then the id: close keys land on close pages. */
function byKey(a: RowChange, b: RowChange): number {
  const ta = TYPE_ORDER[typeof a.element as keyof typeof TYPE_ORDER];
  const tb = TYPE_ORDER[typeof b.element as keyof typeof TYPE_ORDER];
  if (ta !== tb) return ta - tb;
  const order =
    Buffer.isBuffer(a.element) && Buffer.isBuffer(b.element)
      ? Buffer.compare(a.element, b.element)
      : a.element < b.element
        ? -1
        : a.element > b.element
          ? 1
          : 0;
  return order !== 0 ? order : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The element-table rows a batch of writes changes, applied together in key
 * order when the batch ends. A document's elements are spread over the whole
 * table, so applying each document's rows as it is written touches a page
 * per element; a large batch (a catch-up writes thousands of documents with a
 * couple of hundred search keys each) then reads and writes pages at random
 * once the table outgrows the page cache. In key order, neighbouring rows go
 * to the same pages one after another.
 *
 * Only a row's last change counts: removing a row that is not there does
 * nothing and putting one replaces it, so applying each row's last change, in
 * any order, leaves what applying every change in turn would.
 */
export class ElementWrites {
  readonly #tables = new Map<string, { keyCount: number; rows: Map<string, RowChange> }>();
  #pending = 0;

  /** Row changes held (a row changed twice counts twice): flush early past a bound to cap memory. */
  get pending(): number {
    return this.#pending;
  }

  /** `table` is the quoted side-table name; `keyCount` the index's number of keys. */
  remove(table: string, keyCount: number, id: string, elements: readonly KeyValue[]): void {
    const rows = this.#rowsOf(table, keyCount);
    for (const element of elements) {
      rows.set(`${keyToken(element)}\u0000${id}`, { element, id, others: 'removed' });
    }
    this.#pending += elements.length;
  }

  put(
    table: string,
    keyCount: number,
    id: string,
    elements: readonly KeyValue[],
    others: readonly (KeyValue | null)[],
  ): void {
    const rows = this.#rowsOf(table, keyCount);
    for (const element of elements)
      rows.set(`${keyToken(element)}\u0000${id}`, { element, id, others });
    this.#pending += elements.length;
  }

  /** Applies the pending changes (inside the batch's transaction) and forgets them. */
  flush(connection: ReadConnection): void {
    for (const [table, { keyCount, rows }] of this.#tables) {
      const marks = Array.from({ length: keyCount + 1 }, () => '?').join(', ');
      const remove = connection.statement(`DELETE FROM ${table} WHERE e = ? AND id = ?`);
      const put = connection.statement(`INSERT OR REPLACE INTO ${table} VALUES (${marks})`);
      for (const row of [...rows.values()].sort(byKey)) {
        if (row.others === 'removed') remove.run(row.element, row.id);
        else put.run(row.element, ...row.others, row.id);
      }
    }
    this.#tables.clear();
    this.#pending = 0;
  }

  #rowsOf(table: string, keyCount: number): Map<string, RowChange> {
    let entry = this.#tables.get(table);
    if (!entry) {
      entry = { keyCount, rows: new Map() };
      this.#tables.set(table, entry);
    }
    return entry.rows;
  }
}
