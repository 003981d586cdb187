import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { v7 as uuidv7 } from 'uuid';
import { inventoryAggregate } from '../../src/commands/inventory.js';
import { inventoryStream } from '../../src/events/inventory.js';
import { productStream } from '../../src/events/product.js';
import { Operations } from '../../src/ops/operations.js';
import type { SnapshotStore } from '../../src/stores/snapshot-store.js';
import { dump, startShop, tamper, type Shop } from './ops-fixture.js';

/** Operations as the command line uses them: no runners in the process. */
let shop: Shop;
let cli: Operations;
beforeAll(async () => {
  shop = await startShop();
  await shop.api.engine.readModels.stop();
  const { eventStore, readStore } = shop.api.engine;
  cli = new Operations({ eventStore, readStore, holder: 'cli' });
});
afterAll(async () => {
  await shop.api.stop();
});

describe('operations without live runners (command line)', () => {
  it('reports read models from their checkpoints and the head of the log', async () => {
    const before = await cli.projections();
    expect(before.every((p) => p.status === 'stopped' && p.lagEvents === 0)).toBe(true);
    await shop.api.engine.eventStore.appendToStream(productStream(uuidv7()), [
      {
        eventId: uuidv7(),
        type: 'ProductDiscontinued',
        data: { productId: 'nobody' },
        metadata: { occurredAt: new Date().toISOString() },
      },
    ]);
    const after = new Map((await cli.projections()).map((p) => [p.name, p.lagEvents]));
    expect(after.get('catalog')).toBe(1);
    expect(after.get('orders')).toBe(0);
  });

  it('rebuilds, verifies and replays under the read model’s lease', async () => {
    const { readStore } = shop.api.engine;
    const before = await dump(readStore, 'orders');
    const result = await cli.rebuild('orders');
    expect(result.position).toBe(await readStore.checkpoint('orders'));
    expect(await dump(readStore, 'orders')).toEqual(before);

    const orderId = String(shop.orders[0]!.orderId);
    await tamper(readStore, 'orders', orderId, (doc) => ({ ...doc, status: 'forged' }));
    expect((await cli.verify('orders')).differences).toHaveLength(1);
    await cli.replay('orders', `order-${orderId}`);
    expect((await cli.verify('orders')).differences).toEqual([]);
  });

  it('starts time travel from a snapshot at or before the revision asked for', async () => {
    const { eventStore, readStore } = shop.api.engine;
    const streamId = inventoryStream(shop.products[0]!);
    const marker = { status: 'from-snapshot' };
    const snapshotAt = (revision: number): SnapshotStore => ({
      loadSnapshot: async () => ({
        revision,
        version: inventoryAggregate.snapshot?.version ?? '',
        state: marker,
      }),
      saveSnapshot: () => undefined,
    });
    const using = (revision: number) =>
      new Operations({ eventStore, readStore, holder: 'cli', snapshots: snapshotAt(revision) });
    expect((await using(0).stateAt(streamId, { revision: 0 })).state).toEqual(marker);
    const past = await using(1).stateAt(streamId, { revision: 0 });
    expect(past.state).not.toEqual(marker);
    expect(past.revision).toBe(0);
  });
});
