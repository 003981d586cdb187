import { v7 as uuidv7 } from 'uuid';
import { EventStoreCheckpoints } from '../../src/processes/checkpoints.js';
import { PausableProcess } from '../../src/processes/pausable-process.js';
import { runProcess, type ProcessDefinition } from '../../src/processes/process-runner.js';
import { openTempStore, type TempStore } from '../support/temp-store.js';

describe('a pausable process', () => {
  let temp: TempStore;

  beforeEach(async () => {
    temp = await openTempStore();
  });

  afterEach(async () => {
    await temp.cleanup();
  });

  it('takes no events while paused and handles what arrived meanwhile once resumed', async () => {
    const handled: string[] = [];
    const definition: ProcessDefinition = {
      name: 'counting',
      filter: { streamCategories: ['thing'] },
      keyOf: (event) => event.streamId,
      handle: async (event) => void handled.push(event.eventId),
    };
    const start = () =>
      runProcess(definition, {
        eventStore: temp.store,
        checkpoints: new EventStoreCheckpoints(temp.store, uuidv7),
        checkpointIntervalMs: 5,
      });
    const process = new PausableProcess(await start(), start);
    const append = async (id: string) =>
      (await temp.store.appendToStream(id, [{ eventId: uuidv7(), type: 'Made', data: {} }]))
        .position;

    await process.waitFor(await append('thing-1'));
    expect(handled).toHaveLength(1);

    const resume = await process.pause();
    const whilePaused = await append('thing-2');
    const waited = process.waitFor(whilePaused);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(handled).toHaveLength(1);

    await resume();
    await waited;
    expect(handled).toHaveLength(2);
    expect(process.position()).toBe(whilePaused);
    await process.stop();
  });
});
