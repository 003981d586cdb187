import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedReadStore } from '../../../src/stores/embedded/embedded-read-store.js';
import { ReadStoreLimitError, type Doc } from '../../../src/stores/read-store.js';

/**
 * maxTimeMs also stops work inside one document (a backtracking regular
 * expression, nested loops in an expression), not only between documents,
 * and the store keeps answering afterwards.
 */
describe('embedded aggregate time limit', () => {
  let dataDir: string;
  let store: EmbeddedReadStore;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-time-'));
    store = await EmbeddedReadStore.open({ dataDir });
    const docs: Doc[] = ['a', 'b', 'c'].map((id) => ({ _id: id, s: `${'a'.repeat(40)}!` }));
    await store.commit(
      'p',
      undefined,
      docs.map((doc) => ({ kind: 'put', collection: 'c', doc })),
    );
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const squares = {
    $reduce: {
      input: { $range: [0, 10_000] },
      initialValue: 0,
      in: {
        $add: ['$$value', { $sum: { $map: { input: { $range: [0, 10_000] }, in: '$$this' } } }],
      },
    },
  };

  it.each([
    ['a regular expression in the leading $match', [{ $match: { s: { $regex: '^(a+)+$' } } }]],
    [
      'a regular expression in a later stage',
      [
        { $set: { t: '$s' } },
        { $match: { $expr: { $regexMatch: { input: '$t', regex: '^(a+)+$' } } } },
      ],
    ],
    ['nested loops in one expression', [{ $project: { n: squares } }]],
  ])('stops %s at maxTimeMs and keeps answering', async (_name, pipeline) => {
    const started = performance.now();
    await expect(store.collection('c').aggregate(pipeline, { maxTimeMs: 200 })).rejects.toThrow(
      ReadStoreLimitError,
    );
    expect(performance.now() - started).toBeLessThan(3000);
    expect(await store.collection('c').aggregate([{ $count: 'n' }], { maxTimeMs: 200 })).toEqual([
      { n: 3 },
    ]);
    expect(await store.collection('c').count({})).toBe(3);
  });
});
