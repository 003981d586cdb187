import { keyToken } from './element-index.js';
import type { KeyValue } from './index-keys.js';
import type { ReadConnection } from './read-connection.js';

type Others = readonly (KeyValue | null)[];

/**
 * One side table's row changes, as parallel lists (a catch-up holds a hundred
 * thousand of them: one object per row would be that many more to collect).
 */
interface TableChanges {
  readonly keyCount: number;
  readonly elements: KeyValue[];
  readonly ids: string[];
  /** The row's other keys' values; undefined when the row is removed. */
  readonly others: (Others | undefined)[];
  /** Documents with changes here: one changed twice makes `repeated`. */
  readonly changed: Set<string>;
  repeated: boolean;
  /** Every element is a string, so plain string order is the key order. */
  allStrings: boolean;
}

const TYPE_ORDER = { number: 0, string: 1, object: 2 } as const;

/** Roughly SQLite's key order (numbers, text, blobs). */
function compareKeys(a: KeyValue, b: KeyValue): number {
  const ta = TYPE_ORDER[typeof a as keyof typeof TYPE_ORDER];
  const tb = TYPE_ORDER[typeof b as keyof typeof TYPE_ORDER];
  if (ta !== tb) return ta - tb;
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return Buffer.compare(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
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
  readonly #tables = new Map<string, TableChanges>();
  #pending = 0;

  /** Row changes held (a row changed twice counts twice): flush early past a bound to cap memory. */
  get pending(): number {
    return this.#pending;
  }

  /**
   * One document's change to a side table (`table` quoted, `keyCount` the
   * index's number of keys): rows of `removed` elements go, rows of `put`
   * elements are written with the other keys' values `others`. The two lists
   * do not share an element.
   */
  change(
    table: string,
    keyCount: number,
    id: string,
    removed: readonly KeyValue[],
    put: readonly KeyValue[],
    others: Others,
  ): void {
    const changes = this.#changesOf(table, keyCount);
    if (changes.changed.has(id)) changes.repeated = true;
    else changes.changed.add(id);
    this.#add(changes, id, removed, undefined);
    this.#add(changes, id, put, others);
  }

  /** Applies the pending changes (inside the batch's transaction) and forgets them. */
  flush(connection: ReadConnection): void {
    for (const [table, changes] of this.#tables) {
      const { keyCount, elements, ids, others } = changes;
      const marks = Array.from({ length: keyCount + 1 }, () => '?').join(', ');
      const remove = connection.statement(`DELETE FROM ${table} WHERE e = ? AND id = ?`);
      const put = connection.statement(`INSERT OR REPLACE INTO ${table} VALUES (${marks})`);
      for (const row of inKeyOrder(changes)) {
        const values = others[row];
        if (values === undefined) remove.run(elements[row], ids[row]);
        else put.run(elements[row], ...values, ids[row]);
      }
    }
    this.#tables.clear();
    this.#pending = 0;
  }

  #add(
    changes: TableChanges,
    id: string,
    elements: readonly KeyValue[],
    others: Others | undefined,
  ): void {
    for (const element of elements) {
      if (typeof element !== 'string') changes.allStrings = false;
      changes.elements.push(element);
      changes.ids.push(id);
      changes.others.push(others);
    }
    this.#pending += elements.length;
  }

  #changesOf(table: string, keyCount: number): TableChanges {
    let changes = this.#tables.get(table);
    if (!changes) {
      changes = {
        keyCount,
        elements: [],
        ids: [],
        others: [],
        changed: new Set(),
        repeated: false,
        allStrings: true,
      };
      this.#tables.set(table, changes);
    }
    return changes;
  }
}

/** The rows to apply (each row's last change only), ordered by element, then id. */
function inKeyOrder(changes: TableChanges): Uint32Array {
  const { elements, ids } = changes;
  const rows = changes.repeated ? lastChanges(changes) : Uint32Array.from(elements.keys());
  const byId = (a: number, b: number) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0);
  return rows.sort(
    changes.allStrings
      ? (a, b) => {
          const ea = elements[a]!;
          const eb = elements[b]!;
          return ea < eb ? -1 : ea > eb ? 1 : byId(a, b);
        }
      : (a, b) => compareKeys(elements[a]!, elements[b]!) || byId(a, b),
  );
}

/** The last change of each row, when some document changed more than once. */
function lastChanges({ elements, ids }: TableChanges): Uint32Array {
  const last = new Map<string, number>();
  for (let row = 0; row < elements.length; row++) {
    last.set(`${keyToken(elements[row]!)}\u0000${ids[row]!}`, row);
  }
  return Uint32Array.from(last.values());
}
