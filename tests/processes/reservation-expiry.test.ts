import { createCommandHandler } from '../../src/commands/command-handler.js';
import { availability, inventoryAggregate } from '../../src/commands/inventory.js';
import { ReservationExpiry } from '../../src/processes/reservation-expiry.js';
import { openTempStore, type TempStore } from '../support/temp-store.js';

describe('reservation expiry', () => {
  let temp: TempStore;
  let now = new Date('2026-05-01T10:00:00.000Z');
  beforeEach(async () => {
    temp = await openTempStore();
  });
  afterEach(() => temp.cleanup());

  const setup = async () => {
    const handler = createCommandHandler({ eventStore: temp.store, clock: () => now });
    const actor = { actor: 'test' };
    await handler.handle(
      inventoryAggregate,
      'inventory-p1',
      { type: 'ReceiveStock', productId: 'p1', quantity: 5 },
      actor,
    );
    for (const orderId of ['o1', 'o2']) {
      await handler.handle(
        inventoryAggregate,
        'inventory-p1',
        {
          type: 'ReserveStock',
          productId: 'p1',
          reservationId: orderId,
          quantity: 2,
          expiresAt: '2026-05-01T10:15:00.000Z',
        },
        actor,
      );
    }
    const expiry = new ReservationExpiry(handler, () => now);
    expiry.track('p1', 'o1', '2026-05-01T10:15:00.000Z');
    expiry.track('p1', 'o2', '2026-05-01T10:15:00.000Z');
    const stock = async () =>
      availability((await handler.load(inventoryAggregate, 'inventory-p1')).state);
    return { handler, expiry, stock };
  };

  it('releases reservations that were not settled before they expired', async () => {
    const { expiry, stock } = await setup();
    await expiry.sweep();
    expect(await stock()).toEqual({ onHand: 5, reserved: 4, available: 1 });
    now = new Date('2026-05-01T10:15:00.001Z');
    await expiry.sweep();
    expect(await stock()).toEqual({ onHand: 5, reserved: 0, available: 5 });
    const released = (await temp.store.readStream('inventory-p1')).filter(
      (e) => e.type === 'ReservationReleased',
    );
    expect(released.map((e) => (e.data as { reason: string }).reason)).toEqual([
      'EXPIRED',
      'EXPIRED',
    ]);
    await expiry.sweep();
    expect((await temp.store.readStream('inventory-p1')).length).toBe(5);
  });

  it('leaves settled reservations alone', async () => {
    now = new Date('2026-05-01T10:00:00.000Z');
    const { expiry, stock, handler } = await setup();
    await handler.handle(
      inventoryAggregate,
      'inventory-p1',
      { type: 'CommitReservation', productId: 'p1', reservationId: 'o1' },
      { actor: 'test' },
    );
    expiry.settled('p1', 'o1');
    expiry.settled('p1', 'o2');
    now = new Date('2026-05-01T11:00:00.000Z');
    await expiry.sweep();
    expect(await stock()).toEqual({ onHand: 3, reserved: 2, available: 1 });
  });
});
