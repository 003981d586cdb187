import { EventEmitter } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { GroupCommitWriter } from '../../../src/stores/sqlite/group-commit-writer.js';
import {
  PIPELINED_APPENDS,
  type AppendOutcome,
  type AppendRequest,
  type ToWriter,
} from '../../../src/stores/sqlite/writer-protocol.js';
import { decodeAppends, encodeOutcomes } from '../../../src/stores/sqlite/writer-wire.js';

/** Stands in for the writer thread: records what the main thread posts to it. */
class RecordingWorker extends EventEmitter {
  readonly posted: ToWriter[] = [];
  postMessage(message: ToWriter): void {
    this.posted.push(message);
  }
}

const append = (n: number): AppendRequest => ({
  streamId: `counter-${n}`,
  expectedRevision: 'no_stream',
  events: [{ eventId: `e-${n}`, type: 'Incremented', data: '{}', metadata: '{}' }],
});

/** The appends of each posted write message, as [id, streamId] pairs. */
const writes = (worker: RecordingWorker) =>
  worker.posted.flatMap((message) => {
    if (message.kind !== 'write' || !message.appends) return [];
    const decoded: [number, string][] = [];
    decodeAppends(message.appends, (id, request) => decoded.push([id, request.streamId]));
    return [decoded];
  });

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommitWriter', () => {
  it(`posts the appends of one tick as one message below ${2 * PIPELINED_APPENDS}`, async () => {
    const worker = new RecordingWorker();
    const writer = new GroupCommitWriter(worker as unknown as Worker, () => undefined);
    const count = 2 * PIPELINED_APPENDS - 1;
    for (let n = 0; n < count; n++) void writer.append(append(n));
    await settle();
    expect(writes(worker).map((w) => w.length)).toEqual([count]);
  });

  it('splits a larger group into two halves, in order, so they commit one after the other', async () => {
    const worker = new RecordingWorker();
    const writer = new GroupCommitWriter(worker as unknown as Worker, () => undefined);
    const count = 2 * PIPELINED_APPENDS + 1;
    for (let n = 0; n < count; n++) void writer.append(append(n));
    await settle();
    const halves = writes(worker);
    expect(halves.map((w) => w.length)).toEqual([PIPELINED_APPENDS, PIPELINED_APPENDS + 1]);
    expect(halves.flat().map(([, streamId]) => streamId)).toEqual(
      Array.from({ length: count }, (_, n) => `counter-${n}`),
    );
  });

  it('resolves each append with its own outcome when either half is answered', async () => {
    const worker = new RecordingWorker();
    const committed: number[] = [];
    const writer = new GroupCommitWriter(worker as unknown as Worker, () =>
      committed.push(committed.length),
    );
    const count = 2 * PIPELINED_APPENDS;
    const results = Array.from({ length: count }, (_, n) => writer.append(append(n)));
    await settle();
    const [first = [], second = []] = writes(worker);
    const answer = (half: [number, string][]) => {
      const outcomes: AppendOutcome[] = half.map(([id]) => ({
        kind: 'appended',
        nextRevision: 0,
        position: id * 10,
      }));
      worker.emit('message', {
        kind: 'written',
        outcomes: encodeOutcomes(
          half.map(([id]) => id),
          outcomes,
        ),
      });
    };
    answer(second);
    const early = await Promise.all(results.slice(PIPELINED_APPENDS));
    expect(early.map((o) => o.kind === 'appended' && o.position)).toEqual(
      second.map(([id]) => id * 10),
    );
    answer(first);
    const late = await Promise.all(results.slice(0, PIPELINED_APPENDS));
    expect(late.map((o) => o.kind === 'appended' && o.position)).toEqual(
      first.map(([id]) => id * 10),
    );
    expect(committed).toHaveLength(2);
  });
});
