import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECTIONS, startReadModels } from '../../src/projections/read-models.js';
import { EmbeddedReadStore } from '../../src/stores/embedded/embedded-read-store.js';
import type { RecordedEvent } from '../../src/stores/event-store.js';
import type { Doc } from '../../src/stores/read-store.js';
import { SqliteEventStore } from '../../src/stores/sqlite/sqlite-event-store.js';
import { dump } from '../ops/ops-fixture.js';
import { runCli } from './run-cli.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'commerce-cli-'));
  dirs.push(dir);
  return dir;
};

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const comparable = (events: readonly RecordedEvent[]) =>
  events
    .filter((e) => !e.streamId.startsWith('checkpoint-'))
    .map(({ streamId, revision, eventId, type, data, metadata }) => ({
      streamId,
      revision,
      eventId,
      type,
      data,
      metadata,
    }));

/** The log and, once every read model has caught up with it, every read-model document. */
async function snapshotOf(dataDir: string) {
  const eventStore = await SqliteEventStore.open({ dataDir });
  const readStore = await EmbeddedReadStore.open({ dataDir });
  const readModels = await startReadModels({ eventStore, readStore, holder: `test:${dataDir}` });
  try {
    const events = await eventStore.readAll({ limit: 100_000 });
    const head = await eventStore.headPosition();
    for (const runner of readModels.running.values()) await runner.waitFor(head ?? '0', 20_000);
    const documents: Record<string, Record<string, Doc[]>> = {};
    for (const projection of PROJECTIONS) {
      documents[projection.name] = await dump(readStore, projection.name);
    }
    return { events, documents };
  } finally {
    await readModels.stop();
    await readStore.close();
    await eventStore.close();
  }
}

/** Replaces the positions a document remembers with those of the same events in the other log. */
function mapPositions(value: unknown, positions: ReadonlyMap<string, string>, key = ''): unknown {
  if (typeof value === 'string' && /position/i.test(key)) return positions.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => mapPositions(v, positions));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, mapPositions(v, positions, k)]),
    );
  }
  return value;
}

describe('the commerce command line', () => {
  it('shows its commands with --help', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of [
      'serve',
      'streams',
      'projections',
      'dead-letters',
      'export',
      'import',
      'seed',
    ]) {
      expect(run.stdout).toContain(command);
    }
  });

  it('reports an error as one line on stderr with a non-zero exit code', async () => {
    const dataDir = tempDir();
    const unknown = await runCli(['streams', 'show', 'order-nope'], { env: { DATA_DIR: dataDir } });
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toMatch(/^commerce: .*\(NOT_FOUND\)\n$/);

    const badOption = await runCli(['seed', '--orders', 'many'], { env: { DATA_DIR: dataDir } });
    expect(badOption.code).not.toBe(0);
    expect(badOption.stderr).toContain('Not a whole number');
  });

  it('exports a seeded log and imports it into an empty data directory: same streams, same read models', async () => {
    const source = tempDir();
    const target = tempDir();
    const seed = await runCli(
      [
        'seed',
        '--seed',
        '3',
        '--orders',
        '40',
        '--customers',
        '12',
        '--products',
        '10',
        '--months',
        '2',
        '--until',
        '2026-02-01T00:00:00Z',
        '--json',
      ],
      { env: { DATA_DIR: source } },
    );
    expect(seed.stderr).toMatch(/seed: \d+ events in/);
    expect(seed.code).toBe(0);
    expect(JSON.parse(seed.stdout)).toMatchObject({ seed: 3, ordersPlaced: 40, products: 10 });

    const exported = await runCli(['export'], { env: { DATA_DIR: source } });
    expect(exported.code).toBe(0);
    const lines = exported.stdout.trimEnd().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ revision: 0, position: '1' });

    const imported = await runCli(['import', '--json'], {
      env: { DATA_DIR: target },
      input: exported.stdout,
    });
    expect(imported.stderr).toMatch(/import: \d+ events in/);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ events: lines.length, skipped: 1 });

    const again = await runCli(['import'], { env: { DATA_DIR: target }, input: exported.stdout });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('(STORE_NOT_EMPTY)');

    const listed = await runCli(['streams', 'list', '--prefix', 'product-', '--json'], {
      env: { DATA_DIR: target },
    });
    expect(JSON.parse(listed.stdout).items).toHaveLength(10);

    const before = await snapshotOf(source);
    const after = await snapshotOf(target);
    expect(comparable(after.events)).toEqual(comparable(before.events));
    const byId = new Map(after.events.map((e) => [e.eventId, e.position]));
    const positions = new Map(before.events.map((e) => [e.position, byId.get(e.eventId) ?? '']));
    expect(after.documents).toEqual(mapPositions(before.documents, positions));
    expect(Object.values(after.documents.orders ?? {}).flat().length).toBeGreaterThan(0);
  });
});
