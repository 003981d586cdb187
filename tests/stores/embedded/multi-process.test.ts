import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmbeddedReadStore } from '../../../src/stores/embedded/embedded-read-store.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const storeModule = fileURLToPath(
  new URL('../../../src/stores/embedded/embedded-read-store.ts', import.meta.url),
);

/** Each child increments one counter in its own commits and tries for one lease. */
const CHILD = `
const { EmbeddedReadStore } = await import(process.env.STORE_MODULE);
const store = await EmbeddedReadStore.open({ dataDir: process.env.DATA_DIR });
let leases = 0;
for (let i = 0; i < Number(process.env.ROUNDS); i++) {
  await store.commit('counter', String(i), [
    { kind: 'update', collection: 'c', id: 'n', update: { $inc: { n: 1 } }, upsert: true },
  ]);
  if (await store.acquireLease('l', process.env.HOLDER, 60000)) leases++;
}
await store.close();
console.log(JSON.stringify({ leases }));
`;

function runChild(env: Record<string, string>): Promise<{ leases: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(stdout.trim()) as { leases: number })
        : reject(new Error(`child exited with ${code}: ${stderr}`)),
    );
  });
}

describe('EmbeddedReadStore across processes', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-processes-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('serialises commits from several processes and gives a lease to one of them', async () => {
    const rounds = 50;
    const results = await Promise.all(
      ['a', 'b', 'c'].map((holder) =>
        runChild({
          STORE_MODULE: storeModule,
          DATA_DIR: dataDir,
          HOLDER: holder,
          ROUNDS: String(rounds),
        }),
      ),
    );
    expect(results.map((r) => r.leases).sort((x, y) => x - y)).toEqual([0, 0, rounds]);
    const store = await EmbeddedReadStore.open({ dataDir });
    expect(await store.collection('c').get('n')).toEqual({ _id: 'n', n: 3 * rounds });
    await store.close();
  });
});
