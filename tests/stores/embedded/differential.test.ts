import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { find, update } from 'mingo';
import type { Doc, Filter, IndexSpec, SortSpec, Write } from '../../../src/stores/read-store.js';
import { EmbeddedReadStore } from '../../../src/stores/embedded/embedded-read-store.js';
import { planQuery, type PlannableIndex } from '../../../src/stores/embedded/index-planner.js';

/**
 * Random documents, filters, sorts and pages: the embedded store must answer
 * exactly as mingo does over all documents, whichever index serves the query.
 */

const SEED = Number(process.env.DIFFERENTIAL_SEED ?? 20260101);
const DOCS = 400;
const QUERIES = 400;

type Random = () => number;

function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const MISSING = Symbol('missing');

// No characters from U+E000 to U+FFFF: there UTF-16 order (mingo) and code point order (SQLite) differ.
const STRINGS = [
  '',
  'a',
  'ab',
  'B',
  'b',
  'é',
  'e',
  'z',
  '你好',
  '🛒',
  'a b',
  'x\u0000y',
  '2026-01-01',
];
const NUMBERS = [-5, -1.5, 0, 1, 2, 2.5, 10, 100, 1e21];
const ODD = [null, true, false, MISSING, { k: 1 }, { k: 'a' }];

function value(random: Random, mostly: readonly unknown[], arrays: boolean): unknown {
  const r = random();
  if (r < 0.75) return pick(random, mostly);
  if (r < 0.85) return pick<unknown>(random, mostly === STRINGS ? NUMBERS : STRINGS);
  if (arrays && r < 0.93) return [pick(random, mostly), pick(random, STRINGS)];
  return pick(random, ODD);
}

function makeDoc(random: Random, i: number, arrays: boolean): Doc {
  const fields: Record<string, unknown> = {
    _id: `d${String(Math.floor(random() * 1e6)).padStart(6, '0')}-${i}`,
    g: `g${Math.floor(random() * 5)}`,
    n: value(random, NUMBERS, false),
    s: value(random, STRINGS, arrays),
    nested: random() < 0.9 ? { v: value(random, NUMBERS, arrays), w: pick(random, STRINGS) } : 'x',
    tags: [pick(random, STRINGS), pick(random, STRINGS)],
  };
  for (const [k, v] of Object.entries(fields)) if (v === MISSING) delete fields[k];
  if (fields.nested && typeof fields.nested === 'object') {
    const nested = fields.nested as Record<string, unknown>;
    for (const [k, v] of Object.entries(nested)) if (v === MISSING) delete nested[k];
  }
  return JSON.parse(JSON.stringify(fields)) as Doc;
}

const FIELDS = ['g', 'n', 's', 'nested.v', 'nested.w', '_id', 'tags'];
const anyValue = (random: Random, ids: readonly string[]) => {
  const r = random();
  if (r < 0.15) return pick(random, ids);
  if (r < 0.2) return `g${Math.floor(random() * 6)}`;
  const v = r < 0.55 ? pick(random, STRINGS) : r < 0.9 ? pick(random, NUMBERS) : pick(random, ODD);
  return v === MISSING ? null : v;
};

function condition(random: Random, ids: readonly string[]): Filter {
  const field = pick(random, FIELDS);
  const v = () => anyValue(random, ids);
  switch (Math.floor(random() * 8)) {
    case 0:
    case 1:
      return { [field]: v() };
    case 2:
      return { [field]: { $in: [v(), v(), v()] } };
    case 3:
      return { [field]: { [pick(random, ['$gt', '$gte', '$lt', '$lte'])]: v() } };
    case 4:
      return { [field]: { $gte: v(), [pick(random, ['$lt', '$lte'])]: v() } };
    case 5:
      return {
        [field]: pick(random, [
          { $ne: v() },
          { $exists: random() < 0.5 },
          { $eq: v() },
          { $nin: [v(), v()] },
          { $eq: v(), $nin: [v(), v()] },
        ]),
      };
    case 6: {
      const w = v();
      return { $or: [{ [field]: { $lt: w } }, { [field]: w, g: { $gt: v() } }] };
    }
    default:
      return { $or: [{ [field]: v() }, { [pick(random, FIELDS)]: v() }] };
  }
}

function makeQuery(random: Random, ids: readonly string[], sortFields: readonly string[]) {
  const parts = Array.from({ length: Math.floor(random() * 4) }, () => condition(random, ids));
  const filter: Filter =
    parts.length === 0 ? {} : random() < 0.7 ? Object.assign({}, ...parts) : { $and: parts };
  if (random() < 0.25) return { filter, skip: 0 };
  const sort: Record<string, 1 | -1> = {};
  for (let k = Math.floor(random() * 3); k > 0; k--) {
    sort[pick(random, sortFields)] = random() < 0.5 ? 1 : -1;
  }
  // Unique keys make the order total, so any correct answer is the same answer.
  if (!('_id' in sort)) sort._id = random() < 0.5 ? 1 : -1;
  const skip = random() < 0.3 ? Math.floor(random() * 5) : 0;
  const limit = random() < 0.7 ? 1 + Math.floor(random() * 10) : undefined;
  return { filter, sort: sort as SortSpec, skip, limit };
}

interface Scenario {
  readonly collection: string;
  readonly arrays: boolean;
  readonly sortFields: readonly string[];
}

const INDEXES: IndexSpec[] = [
  { name: 'by_g_n', keys: { g: 1, n: -1 } },
  { name: 'by_s', keys: { s: 1 } },
  { name: 'by_nested', keys: { 'nested.v': 1, s: -1 } },
  { name: 'by_n_id', keys: { n: 1, _id: 1 } },
  // An element index (tags always holds arrays): its side table serves `tags` conditions.
  { name: 'by_tags', keys: { tags: 1, g: 1 } },
];

const plannable: PlannableIndex[] = INDEXES.map((spec) => ({
  name: spec.name,
  keys: Object.entries(spec.keys).map(([p, direction]) => ({ path: p, direction })),
  multikey: false,
}));

describe(`embedded read store against mingo (seed ${SEED})`, () => {
  let dataDir: string;
  let store: EmbeddedReadStore;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'differential-'));
    store = await EmbeddedReadStore.open({ dataDir });
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const scenarios: Scenario[] = [
    { collection: 'flat', arrays: false, sortFields: ['g', 'n', 's', 'nested.v', 'nested.w'] },
    { collection: 'arrays', arrays: true, sortFields: ['g', 'n', 'nested.w'] },
  ];

  it.each(scenarios)('$collection: finds, counts and aggregates alike', async (scenario) => {
    const random = mulberry32(SEED + scenario.collection.length);
    const { collection } = scenario;
    let docs = Array.from({ length: DOCS }, (_, i) => makeDoc(random, i, scenario.arrays));
    await store.ensureIndexes(collection, INDEXES.slice(0, 2));
    await store.commit(
      'seed',
      '1',
      docs.map((doc) => ({ kind: 'put', collection, doc })),
    );
    await store.ensureIndexes(collection, INDEXES);

    const changes: Write[] = [];
    for (const doc of docs.filter(() => random() < 0.2)) {
      const updateDoc = pick(random, [
        { $set: { n: pick(random, NUMBERS) } },
        { $inc: { 'nested.v': 1 } },
        { $unset: { s: '' } },
        { $set: { s: pick(random, STRINGS), g: 'g9' } },
      ]);
      changes.push({ kind: 'update', collection, id: doc._id, update: updateDoc });
      if (random() < 0.3) changes.push({ kind: 'delete', collection, id: doc._id });
    }
    await store.commit('seed', '2', changes);
    for (const change of changes) {
      if (change.kind === 'delete') docs = docs.filter((d) => d._id !== change.id);
      if (change.kind !== 'update') continue;
      const doc = docs.find((d) => d._id === change.id);
      if (doc) update(doc as Record<string, unknown>, change.update);
    }
    docs = JSON.parse(JSON.stringify(docs)) as Doc[];

    const ids = docs.map((d) => d._id);
    const c = store.collection(collection);
    let indexed = 0;
    for (let q = 0; q < QUERIES; q++) {
      const query = makeQuery(random, ids, scenario.sortFields);
      const { filter, sort, skip, limit } = query;
      let cursor = find(docs, filter);
      if (sort) cursor = cursor.sort({ ...sort });
      const expected = cursor.all().slice(skip, limit === undefined ? undefined : skip + limit);
      const options = { ...(sort && { sort }), skip, ...(limit !== undefined && { limit }) };
      const found = await c.find(filter, options);
      const byId = (xs: Doc[]) => (sort ? xs : [...xs].sort((a, b) => (a._id < b._id ? -1 : 1)));
      const idsOf = (xs: Doc[]) => byId(xs).map((d) => d._id);
      expect({ query, found: idsOf(found) }).toEqual({ query, found: idsOf(expected as Doc[]) });
      expect(byId(found)).toEqual(byId(expected as Doc[]));

      const total = find(docs, filter).all().length;
      expect({ query, count: await c.count(filter) }).toEqual({ query, count: total });

      if (sort) {
        const pipeline = [
          { $match: filter },
          { $sort: sort },
          ...(skip ? [{ $skip: skip }] : []),
          ...(limit ? [{ $limit: limit }] : []),
          { $project: { _id: 1 } },
        ];
        const rows = await c.aggregate(pipeline);
        expect({ query, rows }).toEqual({ query, rows: expected.map((d) => ({ _id: d._id })) });
      }
      if (planQuery(filter, sort, plannable).where.length > 0) indexed++;
    }
    if (!scenario.arrays) expect(indexed).toBeGreaterThan(QUERIES / 4);
  });
});
