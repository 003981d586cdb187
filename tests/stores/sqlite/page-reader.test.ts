import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type {
  EventFilter,
  ReadAllOptions,
  RecordedEvent,
} from '../../../src/stores/event-store.js';
import { OFF_THREAD_PAGE, PageReader } from '../../../src/stores/sqlite/page-reader.js';
import { SqliteEventStore } from '../../../src/stores/sqlite/sqlite-event-store.js';
import { openTempStore, type TempStore } from '../../support/temp-store.js';

const readerModule = new URL('../../../src/stores/sqlite/page-reader.ts', import.meta.url).pathname;

/** A process whose only work is one read: nothing else keeps its event loop alive meanwhile. */
const READING_LAST = `
const { PageReader } = await import(process.env.READER_MODULE);
const page = await new PageReader(process.env.LOG_FILE).read(0, 'forwards', undefined, 5000);
console.log('read', page.length);
`;

describe('large pages of the log read on a thread of their own', () => {
  let temp: TempStore;
  beforeEach(async () => {
    temp = await openTempStore();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  const CATEGORIES = ['order', 'cart', 'product'];
  const TYPES = ['Placed', 'Changed', 'Closed'];

  /** 1,500 events over three categories and three types, with data worth comparing. */
  async function appendLog(): Promise<void> {
    const appends = Array.from({ length: 150 }, (_, a) =>
      temp.store.appendToStream(
        `${CATEGORIES[a % 3]!}-${a}`,
        Array.from({ length: 10 }, (_, i) => ({
          eventId: uuidv7(),
          type: TYPES[(a + i) % 3]!,
          data: {
            a,
            i,
            text: `naïve café ${'€'.repeat(i)} 漢字`,
            nested: { list: [i, null, true] },
          },
          metadata: { correlationId: `c-${a}`, n: i },
        })),
      ),
    );
    await Promise.all(appends);
  }

  /** The same read through pages under the threshold, which the calling thread reads. */
  async function inPagesOf100(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for (let from = options.fromPosition; ;) {
      const page = await temp.store.readAll({
        ...options,
        ...(from !== undefined && { fromPosition: from }),
        limit: 100,
      });
      events.push(...page);
      if (page.length < 100) return events;
      from = page[page.length - 1]!.position;
    }
  }

  it.each<[string, EventFilter | undefined]>([
    ['unfiltered', undefined],
    ['by category', { streamCategories: ['order', 'product'] }],
    ['by type', { eventTypes: ['Changed'] }],
    ['by category and type', { streamCategories: ['cart'], eventTypes: ['Placed', 'Closed'] }],
  ])('hands out the events the calling thread would read (%s)', async (_, filter) => {
    await appendLog();
    const options = { ...(filter && { filter }) };
    const whole = await temp.store.readAll({ ...options, limit: OFF_THREAD_PAGE * 10 });
    expect(whole.length).toBeGreaterThan(100);
    expect(whole).toEqual(await inPagesOf100(options));
    const from = whole[99]!.position;
    const rest = await temp.store.readAll({
      ...options,
      fromPosition: from,
      limit: OFF_THREAD_PAGE,
    });
    expect(rest).toEqual(whole.slice(100, 100 + OFF_THREAD_PAGE));
  });

  it('reads backwards, and without a limit', async () => {
    await appendLog();
    const forwards = await temp.store.readAll();
    expect(forwards).toHaveLength(1_500);
    const backwards = await temp.store.readAll({ direction: 'backwards', limit: OFF_THREAD_PAGE });
    expect(backwards).toEqual(forwards.slice(-OFF_THREAD_PAGE).reverse());
  });

  it('answers reads made together, each with its own page', async () => {
    await appendLog();
    const all = await inPagesOf100({});
    const starts = [0, 200, 700, 1_400];
    const pages = await Promise.all(
      starts.map((start) =>
        temp.store.readAll({
          ...(start > 0 && { fromPosition: all[start - 1]!.position }),
          limit: OFF_THREAD_PAGE,
        }),
      ),
    );
    pages.forEach((page, i) => {
      expect(page).toEqual(all.slice(starts[i], starts[i]! + OFF_THREAD_PAGE));
    });
  });

  it('sees what was appended just before the read', async () => {
    await appendLog();
    await temp.store.readAll({ limit: OFF_THREAD_PAGE });
    const { position } = await temp.store.appendToStream('order-late', [
      { eventId: uuidv7(), type: 'Placed', data: {} },
    ]);
    const [newest] = await temp.store.readAll({ direction: 'backwards', limit: OFF_THREAD_PAGE });
    expect(newest?.position).toBe(position);
  });

  it('answers the reads already asked for when the store closes, and refuses later ones', async () => {
    await appendLog();
    const asked = temp.store.readAll({ limit: OFF_THREAD_PAGE });
    const store = await temp.reopen();
    expect(await asked).toHaveLength(OFF_THREAD_PAGE);
    await store.readAll({ limit: OFF_THREAD_PAGE });
    await store.close();
    await expect(store.readAll({ limit: OFF_THREAD_PAGE })).rejects.toThrow(/closed/);
    await temp.reopen();
  });

  it('reports a log it cannot open, and tries again on the next read', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'page-reader-'));
    const file = path.join(dir, 'events.sqlite');
    const reader = new PageReader(file);
    try {
      await expect(reader.read(0, 'forwards', undefined, OFF_THREAD_PAGE)).rejects.toThrow(
        /page reader could not open/,
      );
      const store = await SqliteEventStore.open({ dataDir: dir });
      await store.appendToStream('order-1', [{ eventId: uuidv7(), type: 'Placed', data: {} }]);
      const page = await reader.read(0, 'forwards', undefined, OFF_THREAD_PAGE);
      expect(page.map((e) => e.streamId)).toEqual(['order-1']);
      await store.close();
    } finally {
      await reader.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers a process whose only work is a read, and lets it end without a close', async () => {
    await appendLog();
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', READING_LAST],
      {
        env: {
          ...process.env,
          READER_MODULE: readerModule,
          LOG_FILE: path.join(temp.dataDir, 'events.sqlite'),
        },
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(out.trim()).toBe('read 1500');
  });
});
