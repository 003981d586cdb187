import { v7 as uuidv7 } from 'uuid';
import { PositionWaiters } from '../../src/projections/position-waiters.js';
import { openTempStore, type TempStore } from '../support/temp-store.js';
import { watchReads } from '../support/watched-reads.js';

describe('position waiters', () => {
  let temp: TempStore;
  let waiters: PositionWaiters | undefined;
  beforeEach(async () => {
    temp = await openTempStore();
  });
  afterEach(async () => {
    waiters?.close(new Error('closed'));
    await temp.cleanup();
  });

  const append = (stream: string) =>
    temp.store.appendToStream(stream, [{ eventId: uuidv7(), type: 'Step', data: {} }]);

  /** Waiters on the temp store, its reads of the log counted; `worth` says whether to probe. */
  function open(worth: () => boolean) {
    const { store, reads } = watchReads(temp.store);
    const probed: number[] = [];
    waiters = new PositionWaiters({
      eventStore: store,
      filter: { streamCategories: ['job'] },
      probeIntervalMs: 5,
      worthProbing: worth,
      beforeProbe: async () => void probed.push(reads.length),
      onError: (error) => {
        throw error;
      },
    });
    return { waiters, reads, probed };
  }

  it('moves past events the projection does not select by probing the log', async () => {
    await append('job-1');
    const { position } = await append('other-1');
    const { waiters, reads } = open(() => true);
    waiters.advance('1');
    await waiters.wait(position, 5_000, () => new Error('timed out'));
    expect(reads.length).toBeGreaterThan(0);
  });

  it('does not read the log while commits to come will move it (catching up), and probes once they will not', async () => {
    await append('job-1');
    const { position } = await append('other-1');
    let catchingUp = true;
    let asked = 0;
    let threeAsked: () => void = () => undefined;
    const skippedThrice = new Promise<void>((resolve) => (threeAsked = resolve));
    const { waiters, reads, probed } = open(() => {
      if (++asked === 3) threeAsked();
      return !catchingUp;
    });
    const reached = waiters.wait(position, 5_000, () => new Error('timed out'));
    // Three probes come due: each is skipped before it reads anything.
    await skippedThrice;
    expect(reads).toHaveLength(0);
    expect(probed).toHaveLength(0);
    catchingUp = false;
    waiters.advance('1');
    await reached;
    expect(reads.length).toBeGreaterThan(0);
  });
});
