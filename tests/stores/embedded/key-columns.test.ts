import Database from 'better-sqlite3';
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { find } from 'mingo';
import type { Doc, Write } from '../../../src/stores/read-store.js';
import { EmbeddedReadStore } from '../../../src/stores/embedded/embedded-read-store.js';
import {
  keyExpression,
  keyOf,
  pathSegments,
  sameKey,
} from '../../../src/stores/embedded/index-keys.js';

const PATHS = ['a', 'a.b', 'n', 'Mixed_Case'];

/** Values JSON.stringify treats in its own ways besides plain JSON ones. */
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.constant(undefined),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.constantFrom(0.5, -0, 1e21, Number.MAX_SAFE_INTEGER),
    fc.string(),
    fc.date({ noInvalidDate: true }),
    fc.constantFrom(new Boolean(false), new Number(3), new String('s')),
    fc.array(tie('any'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'n', 'Mixed_Case', 'x'), tie('any'), { maxKeys: 3 }),
  ),
})).any;

const doc = fc.dictionary(fc.constantFrom('a', 'n', 'Mixed_Case', 'x'), value, { maxKeys: 4 });

describe('key columns', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'key-columns-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("work out in JavaScript the key SQLite's key expression reads from the stored JSON", () => {
    const db = new Database(':memory:');
    const statements = PATHS.map((p) =>
      db.prepare(`SELECT ${keyExpression(p)} FROM (SELECT ? AS doc)`).pluck(),
    );
    try {
      fc.assert(
        fc.property(doc, (d) => {
          const json = JSON.stringify(d);
          PATHS.forEach((p, i) => {
            const fromSql: unknown = statements[i]!.get(json);
            const fromJs = keyOf(d, pathSegments(p));
            if (!sameKey(fromSql, fromJs)) {
              throw new Error(`${p} of ${json}: SQL ${String(fromSql)}, JS ${String(fromJs)}`);
            }
          });
        }),
        { numRuns: 1_000 },
      );
    } finally {
      db.close();
    }
  });

  it('keep every stored key equal to what the document holds, through puts, updates and deletes', async () => {
    const store = await EmbeddedReadStore.open({ dataDir });
    try {
      await store.ensureIndexes('c', [
        { name: 'by_a', keys: { a: 1, n: -1 } },
        { name: 'by_ab', keys: { 'a.b': 1, _id: 1 } },
      ]);
      const ids = fc.constantFrom('d1', 'd2', 'd3', 'd4');
      const write: fc.Arbitrary<Write> = fc.oneof(
        fc.record({ id: ids, d: doc }).map(({ id, d }) => ({
          kind: 'put' as const,
          collection: 'c',
          doc: { ...JSON.parse(JSON.stringify(d)), _id: id } as Doc,
        })),
        fc.record({ id: ids, n: fc.integer({ min: 0, max: 3 }) }).map(({ id, n }) => ({
          kind: 'update' as const,
          collection: 'c',
          id,
          update: { $set: { n }, $inc: { 'a.b': 1 } },
          upsert: true,
        })),
        ids.map((id) => ({ kind: 'delete' as const, collection: 'c', id })),
      );
      let round = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(write, { maxLength: 6 }), async (writes) => {
          await store.commit('p', String(++round), writes).catch(() => undefined);
          const all = await store.collection('c').find({});
          const db = new Database(path.join(dataDir, 'read-models.sqlite'), { readonly: true });
          try {
            const stale = db
              .prepare<[], number>(
                `SELECT count(*) FROM col_c WHERE NOT ("k:a" IS ${keyExpression('a')} ` +
                  `AND "k:n" IS ${keyExpression('n')} AND "k:a.b" IS ${keyExpression('a.b')})`,
              )
              .pluck()
              .get();
            expect(stale).toBe(0);
          } finally {
            db.close();
          }
          for (const filter of [{ n: 1 }, { a: { $gt: 0 } }, { 'a.b': { $gte: 1 } }]) {
            const expected = find(all, filter).all() as Doc[];
            const found = await store.collection('c').find(filter);
            expect(found.map((d) => d._id).sort()).toEqual(expected.map((d) => d._id).sort());
          }
        }),
        { numRuns: 150 },
      );
    } finally {
      await store.close();
    }
  });
});
