import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { v7 as uuidv7 } from 'uuid';
import { exportLog, exportLogToFile } from '../../src/ops/log-export.js';
import {
  fileLines,
  importLog,
  importLogFile,
  numberedLines,
  validateLog,
} from '../../src/ops/log-import.js';
import { parseLogLine } from '../../src/ops/log-line.js';
import type { EventStore } from '../../src/stores/event-store.js';
import { upcastingEventStore } from '../../src/stores/upcasting-event-store.js';
import { openTempStore, type TempStore } from '../support/temp-store.js';

const line = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    streamId: 'counter-1',
    revision: 0,
    eventId: uuidv7(),
    type: 'Incremented',
    data: { by: 1 },
    metadata: { actor: 'test' },
    ...fields,
  });

async function* linesOf(...texts: string[]): AsyncGenerator<[number, string]> {
  for (const [i, text] of texts.entries()) yield [i + 1, text];
}

const problem = (text: string, lineNumber = 7) => {
  try {
    parseLogLine(text, lineNumber);
  } catch (error) {
    return error as { code: string; message: string; details: unknown };
  }
  throw new Error('expected the line to be refused');
};

/** The log as comparable rows: what an import must keep. */
async function rows(store: EventStore) {
  const events = await store.readAll({ limit: 10_000 });
  return events.map(({ streamId, revision, eventId, type, data, metadata }) => ({
    streamId,
    revision,
    eventId,
    type,
    data,
    metadata,
  }));
}

describe('parsing a line of an export', () => {
  it('accepts an event line with its source position and time', () => {
    const parsed = parseLogLine(line({ position: '12', recordedAt: '2026-01-01T00:00:00Z' }), 1);
    expect(parsed).toMatchObject({ streamId: 'counter-1', revision: 0, type: 'Incremented' });
  });

  it.each([
    ['not JSON', '{"streamId":', /Line 7: not JSON/],
    ['not an object', '[1, 2]', /Line 7: not a JSON object/],
    ['a missing field', JSON.stringify({ streamId: 'a-1', revision: 0 }), /Line 7: .*eventId/],
    ['a negative revision', line({ revision: -1 }), /Line 7: revision: /],
    ['a fractional revision', line({ revision: 1.5 }), /Line 7: revision: /],
    ['an event id that is no UUID', line({ eventId: 'abc' }), /Line 7: eventId: a UUID/],
    ['metadata that is no object', line({ metadata: 'x' }), /Line 7: metadata: /],
    ['an unknown field', line({ extra: true }), /Line 7: unknown field extra/],
    ['a stream id with spaces', line({ streamId: 'a b' }), /Line 7: streamId: no whitespace/],
  ])('refuses %s, naming the line', (_case, text, message) => {
    const error = problem(text);
    expect(error.code).toBe('INVALID_LOG_LINE');
    expect(error.message).toMatch(message);
    expect(error.details).toEqual({ line: 7 });
  });

  it('refuses revisions that skip within a stream, naming the line', async () => {
    await expect(
      validateLog(linesOf(line(), line({ revision: 1 }), line({ revision: 3 }))),
    ).rejects.toMatchObject({
      code: 'INVALID_LOG_LINE',
      message: 'Line 3: stream counter-1 goes from revision 1 to 3',
    });
  });

  it('skips blank lines and counts lines from 1', async () => {
    const input = new PassThrough();
    input.end(`${line()}\n\n${line({ revision: 1 })}\r\n`);
    const seen: number[] = [];
    for await (const [n] of numberedLines(input)) seen.push(n);
    expect(seen).toEqual([1, 3]);
  });
});

describe('export and import of the log', () => {
  let source: TempStore;
  let target: TempStore;

  beforeEach(async () => {
    source = await openTempStore();
    target = await openTempStore();
    for (let i = 0; i < 30; i++) {
      const stream = `counter-${i % 4}`;
      const revision = await source.store.streamRevision(stream);
      await source.store.appendToStream(
        stream,
        [
          {
            eventId: uuidv7(),
            type: 'Incremented',
            data: { by: i, text: 'café 咖啡' },
            metadata: { actor: `user-${i}` },
          },
          { eventId: uuidv7(), type: 'Noted', data: null },
        ],
        { expectedRevision: revision ?? 'no_stream' },
      );
    }
    await source.store.appendToStream('checkpoint-order-fulfilment', [
      { eventId: uuidv7(), type: 'CheckpointSaved', data: { position: '3' } },
    ]);
  });

  afterEach(async () => {
    await source.cleanup();
    await target.cleanup();
  });

  it('round-trips the log in global order with ids, data and metadata, leaving out checkpoints', async () => {
    const file = path.join(source.dataDir, 'log.ndjson');
    const exported = await exportLogToFile(source.store, file, { pageSize: 7 });
    expect(exported.events).toBe(61);
    expect(fs.existsSync(`${file}.partial`)).toBe(false);

    const progress: number[] = [];
    const imported = await importLogFile(target.store, file, {
      batchSize: 3,
      onProgress: (p) => progress.push(p.processed),
    });
    expect(imported).toMatchObject({ events: 61, skipped: 1 });
    expect(progress[progress.length - 1]).toBe(61);
    const expected = (await rows(source.store)).filter(
      (r) => !r.streamId.startsWith('checkpoint-'),
    );
    expect(await rows(target.store)).toEqual(expected);
  });

  it('refuses a store that holds events, and resumes an interrupted import without duplicates', async () => {
    const file = path.join(source.dataDir, 'log.ndjson');
    await exportLogToFile(source.store, file);
    const all = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    const firstPart = path.join(source.dataDir, 'part.ndjson');
    fs.writeFileSync(firstPart, `${all.slice(0, 25).join('\n')}\n`);
    await importLogFile(target.store, firstPart);

    await expect(importLogFile(target.store, file)).rejects.toMatchObject({
      code: 'STORE_NOT_EMPTY',
    });
    await importLogFile(target.store, file, { resume: true });
    const expected = (await rows(source.store)).filter(
      (r) => !r.streamId.startsWith('checkpoint-'),
    );
    expect(await rows(target.store)).toEqual(expected);
  });

  it('writes nothing from a file with a bad line', async () => {
    const file = path.join(source.dataDir, 'bad.ndjson');
    await exportLogToFile(source.store, file);
    const all = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    all.splice(40, 1, '{"streamId": "counter-1", oops');
    fs.writeFileSync(file, `${all.join('\n')}\n`);
    await expect(importLogFile(target.store, file)).rejects.toMatchObject({
      code: 'INVALID_LOG_LINE',
      message: expect.stringMatching(/^Line 41: not JSON/),
    });
    expect(await target.store.headPosition()).toBeUndefined();
  });

  it('stops a streamed import at a bad line with what came before appended', async () => {
    const first = line({ streamId: 'counter-9' });
    await expect(importLog(target.store, linesOf(first, 'nope'))).rejects.toMatchObject({
      code: 'INVALID_LOG_LINE',
      message: expect.stringMatching(/^Line 2:/),
    });
    expect(await target.store.streamRevision('counter-9')).toBe(0);
  });

  it('names the line whose stream the target already holds differently', async () => {
    await target.store.appendToStream('counter-1', [{ eventId: uuidv7(), type: 'Other', data: 1 }]);
    await expect(
      importLog(target.store, linesOf(line(), line({ revision: 1 })), { resume: true }),
    ).rejects.toMatchObject({
      code: 'IMPORT_CONFLICT',
      message: expect.stringMatching(/^Line 1: stream counter-1 is at revision 0/),
    });
  });

  it('waits for a slow output (backpressure) and fails when the output fails', async () => {
    const chunks: string[] = [];
    const slow = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        setTimeout(done, 1);
      },
    });
    const result = await exportLog(source.store, slow, { pageSize: 5 });
    expect(result.events).toBe(61);
    expect(chunks.join('').trimEnd().split('\n')).toHaveLength(61);

    const broken = new Writable({
      highWaterMark: 16,
      write(_chunk, _encoding, done) {
        done(new Error('disk full'));
      },
    });
    await expect(exportLog(source.store, broken, { pageSize: 5 })).rejects.toThrow('disk full');
  });

  it('keeps several appends in flight only on a store that commits them in call order', async () => {
    const file = path.join(source.dataDir, 'log.ndjson');
    await exportLogToFile(source.store, file);
    const widest = async (ordered: boolean, into: EventStore) => {
      let running = 0;
      let most = 0;
      const store: EventStore = {
        ...upcastingEventStore(into),
        appendsInCallOrder: ordered,
        appendToStream: async (streamId, events, options) => {
          most = Math.max(most, ++running);
          try {
            return await into.appendToStream(streamId, events, options);
          } finally {
            running -= 1;
          }
        },
      };
      await importLog(store, fileLines(file));
      return most;
    };
    expect(upcastingEventStore(target.store).appendsInCallOrder).toBe(true);
    expect(await widest(false, target.store)).toBe(1);
    const third = await openTempStore();
    try {
      expect(await widest(true, third.store)).toBeGreaterThan(1);
      expect(await rows(third.store)).toEqual(await rows(target.store));
    } finally {
      await third.cleanup();
    }
  });

  it('reads files line by line', async () => {
    const file = path.join(source.dataDir, 'log.ndjson');
    await exportLogToFile(source.store, file);
    let count = 0;
    for await (const _ of fileLines(file)) count += 1;
    expect(count).toBe(61);
  });
});
