import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Filter, SortSpec } from '../../../src/stores/read-store.js';
import { EmbeddedReadStore } from '../../../src/stores/embedded/embedded-read-store.js';
import {
  planQuery,
  planSql,
  type PlannableIndex,
} from '../../../src/stores/embedded/index-planner.js';

const index = (name: string, keys: Record<string, 1 | -1>, multikey = false): PlannableIndex => ({
  name,
  sqlName: `col_x.${name}`,
  keys: Object.entries(keys).map(([p, direction]) => ({ path: p, direction })),
  multikey,
});

const byCustomer = index('by_customer', { customerId: 1, placedAt: -1, _id: -1 });
const byStatus = index('by_status', { status: 1 });
const byDay = index('by_day', { day: 1 });
const indexes = [byCustomer, byStatus, byDay];

const plan = (filter: Filter, sort?: SortSpec, from: PlannableIndex[] = indexes) =>
  planQuery(filter, sort, from);

describe('index planner', () => {
  it('walks an equality prefix in the order of the following keys', () => {
    const p = plan({ customerId: 'c1' }, { placedAt: -1, _id: -1 });
    expect(p.index?.name).toBe('by_customer');
    expect(p.params).toEqual(['c1']);
    expect(p.where).toHaveLength(1);
    expect(p.where[0]).toBe('"k:customer_id" = ?');
    expect(p.orderBy).toEqual(['"k:placed_at" DESC', 'id DESC']);
    expect(p).toMatchObject({ ordered: ['placedAt', '_id'], sorted: true, exact: true });
  });

  it('walks backwards for the reversed sort, and partly for a sort that diverges', () => {
    expect(plan({ customerId: 'c1' }, { placedAt: 1, _id: 1 })).toMatchObject({
      orderBy: [expect.stringMatching(/ ASC$/), 'id ASC'],
      sorted: true,
    });
    expect(plan({ customerId: 'c1' }, { placedAt: 1, _id: -1 })).toMatchObject({
      ordered: ['placedAt'],
      sorted: false,
    });
  });

  it('drops sort fields fixed by equality', () => {
    expect(plan({ customerId: 'c1' }, { customerId: -1, placedAt: -1 })).toMatchObject({
      index: byCustomer,
      ordered: ['placedAt'],
      sorted: true,
    });
  });

  it('serves a sort alone by walking a whole index', () => {
    const p = plan({}, { customerId: -1, placedAt: 1 });
    expect(p).toMatchObject({ index: byCustomer, where: [], ordered: ['customerId', 'placedAt'] });
  });

  it('pushes ranges of one type, bounded within the type', () => {
    const p = plan({ day: { $gte: '2026-01-01', $lt: '2026-02-01' } }, { day: 1 });
    expect(p).toMatchObject({ index: byDay, params: ['2026-01-01', '2026-02-01'], sorted: true });
    expect(p.where).toEqual([expect.stringMatching(/ >= \?$/), expect.stringMatching(/ < \?$/)]);
    expect(plan({ day: { $gt: 5 } }).params).toEqual([5, '']);
    expect(plan({ day: { $lt: 'm' } }).params).toEqual(['', 'm']);
  });

  it('uses $in on a key, without order', () => {
    const p = plan({ status: { $in: ['placed', 'shipped'] } }, { status: 1 });
    expect(p).toMatchObject({ index: byStatus, params: ['placed', 'shipped'], ordered: [] });
    expect(p.where[0]).toMatch(/ IN \(\?, \?\)$/);
  });

  it('looks documents up by _id through the primary key', () => {
    expect(plan({ _id: 'a', status: 'x' })).toMatchObject({ where: ['id = ?'], params: ['a'] });
    expect(plan({ _id: { $in: ['a', 'b'] } })).toMatchObject({ where: ['id IN (?, ?)'] });
    expect(plan({}, { _id: -1 })).toMatchObject({ orderBy: ['id DESC'], sorted: true });
    expect(plan({ _id: 5 })).toMatchObject({ where: [], exact: false });
    expect(plan({ _id: 5 }).index).toBeUndefined();
  });

  it('derives a range from keyset $or conditions', () => {
    const p = plan(
      {
        customerId: 'c1',
        $or: [{ placedAt: { $lt: 'T' } }, { placedAt: 'T', _id: { $lt: 'o9' } }],
      },
      { placedAt: -1, _id: -1 },
    );
    expect(p).toMatchObject({ index: byCustomer, params: ['c1', '', 'T'], sorted: true });
    expect(p.exact).toBe(false);
  });

  it('pushes only values SQLite compares as MongoDB does', () => {
    expect(plan({ status: null }).index).toBeUndefined();
    expect(plan({ status: { a: 1 } }).index).toBeUndefined();
    expect(plan({ status: /x/ }).index).toBeUndefined();
    expect(plan({ status: 'a\u0000b' }).index).toBeUndefined();
    expect(plan({ day: { $gt: '\ue000' } }).index).toBeUndefined();
    expect(plan({ day: { $gt: NaN } }).index).toBeUndefined();
    expect(plan({ status: '🛒' }).params).toEqual(['🛒']);
    expect(plan({ status: true }).params).toEqual([Buffer.from([0xff, 0x01])]);
    expect(plan({ status: 7 }).params).toEqual([7]);
  });

  it('skips indexes with arrays on their paths', () => {
    const tagged = index('by_status', { status: 1 }, true);
    expect(plan({ status: 'x' }, undefined, [tagged]).index).toBeUndefined();
  });

  it('knows when the conditions are the whole filter', () => {
    expect(plan({ status: 'x' }).exact).toBe(true);
    expect(plan({}).exact).toBe(true);
    expect(plan({ status: 'x', other: 1 }).exact).toBe(false);
    expect(plan({ status: { $in: ['x'], $ne: 'y' } }).exact).toBe(false);
    expect(plan({ $and: [{ customerId: 'c' }, { placedAt: { $gte: 'a' } }] }).exact).toBe(true);
  });

  describe('against SQLite', () => {
    let dataDir: string;
    let db: Database.Database;
    let registered: PlannableIndex[];

    beforeAll(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'planner-'));
      const store = await EmbeddedReadStore.open({ dataDir });
      await store.ensureIndexes('orders', [
        { name: 'by_customer', keys: { customerId: 1, placedAt: -1, _id: -1 } },
        { name: 'by_status', keys: { status: 1 } },
      ]);
      await store.commit(
        'seed',
        undefined,
        Array.from({ length: 200 }, (_, i) => ({
          kind: 'put' as const,
          collection: 'orders',
          doc: { _id: `o${i}`, customerId: `c${i % 7}`, placedAt: `t${i}`, status: `s${i % 3}` },
        })),
      );
      await store.close();
      db = new Database(path.join(dataDir, 'read-models.sqlite'), { readonly: true });
      registered = db
        .prepare<[], { name: string; sql_name: string; keys: string }>('SELECT * FROM read_indexes')
        .all()
        .map((row) => ({
          name: row.name,
          sqlName: row.sql_name,
          keys: (JSON.parse(row.keys) as [string, 1 | -1][]).map(([p, direction]) => ({
            path: p,
            direction,
          })),
          multikey: false,
        }));
    });
    afterAll(() => {
      db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    const explain = (filter: Filter, sort?: SortSpec) => {
      const p = planQuery(filter, sort, registered);
      return db
        .prepare<unknown[], { detail: string }>(
          `EXPLAIN QUERY PLAN ${planSql('col_orders', p, 'doc')}`,
        )
        .all(...p.params)
        .map((row) => row.detail)
        .join('\n');
    };

    it('searches the index and needs no sort', () => {
      const detail = explain({ customerId: 'c1' }, { placedAt: -1, _id: -1 });
      expect(detail).toContain(
        'SEARCH col_orders USING INDEX col_orders.by__customer (k:customer_id=?)',
      );
      expect(detail).not.toContain('TEMP B-TREE');
      expect(explain({ customerId: 'c1', placedAt: { $gt: 't5' } }, { placedAt: 1 })).toContain(
        'USING INDEX col_orders.by__customer (k:customer_id=? AND k:placed_at>? AND k:placed_at<?)',
      );
      expect(explain({ status: { $in: ['s1', 's2'] } })).toContain(
        'USING INDEX col_orders.by__status (k:status=?)',
      );
    });

    it('uses the primary key for _id and scans otherwise', () => {
      expect(explain({ _id: 'o1' })).toMatch(/USING INDEX sqlite_autoindex_col_orders_1 \(id=\?\)/);
      expect(explain({ _id: { $in: ['o1', 'o2'] } })).toContain('sqlite_autoindex_col_orders_1');
      expect(explain({ unindexed: 1 })).toBe('SCAN col_orders');
    });
  });
});
