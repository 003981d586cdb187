import {
  availability,
  expiredReservations,
  inventoryAggregate as inventory,
  reservationOf,
  SETTLED_KEPT,
  type InventoryCommand,
  type InventoryState,
} from '../../../src/commands/inventory.js';
import { isAppError } from '../../../src/errors.js';
import type { InventoryEvent } from '../../../src/events/inventory.js';
import { given } from '../../support/given-when-then.js';

const productId = 'p1';
const expiresAt = '2025-01-01T12:15:00.000Z';

const received = (quantity: number): InventoryEvent => ({
  type: 'StockReceived',
  data: { productId, quantity },
});
const adjusted = (delta: number, reason = 'stocktake'): InventoryEvent => ({
  type: 'StockAdjusted',
  data: { productId, delta, reason },
});
const reserved = (reservationId: string, quantity: number, at = expiresAt): InventoryEvent => ({
  type: 'StockReserved',
  data: { productId, reservationId, quantity, expiresAt: at },
});
const failed = (reservationId: string, requested: number, available: number): InventoryEvent => ({
  type: 'StockReservationFailed',
  data: { productId, reservationId, requested, available },
});
const released = (reservationId: string, quantity: number, reason: string): InventoryEvent => ({
  type: 'ReservationReleased',
  data: { productId, reservationId, quantity, reason },
});
const committed = (reservationId: string, quantity: number): InventoryEvent => ({
  type: 'ReservationCommitted',
  data: { productId, reservationId, quantity },
});
const returned = (reservationId: string, quantity: number): InventoryEvent => ({
  type: 'StockReturned',
  data: { productId, reservationId, quantity },
});

const reserve = (reservationId: string, quantity: number, at = expiresAt): InventoryCommand => ({
  type: 'ReserveStock',
  productId,
  reservationId,
  quantity,
  expiresAt: at,
});
const release = (reservationId: string, reason = 'ORDER_REJECTED'): InventoryCommand => ({
  type: 'ReleaseReservation',
  productId,
  reservationId,
  reason,
});
const commit = (reservationId: string): InventoryCommand => ({
  type: 'CommitReservation',
  productId,
  reservationId,
});
const returnStock = (reservationId: string, quantity = 2): InventoryCommand => ({
  type: 'ReturnStock',
  productId,
  reservationId,
  quantity,
});
const expire = (now: string): InventoryCommand => ({ type: 'ExpireReservations', productId, now });

describe('inventory decider', () => {
  describe('ReceiveStock', () => {
    it('receives stock', () =>
      given(inventory).when({ type: 'ReceiveStock', productId, quantity: 10 }).then(received(10)));
    it('rejects a zero, negative, fractional or unsafe quantity', () => {
      for (const quantity of [0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
        given(inventory)
          .when({ type: 'ReceiveStock', productId, quantity })
          .thenRejects('INVALID_QUANTITY');
      }
    });
    it('rejects a receipt that would overflow the stock level', () =>
      given(inventory, received(Number.MAX_SAFE_INTEGER))
        .when({ type: 'ReceiveStock', productId, quantity: 1 })
        .thenRejects('INVALID_QUANTITY'));
  });

  describe('AdjustStock', () => {
    it('adjusts stock up or down', () => {
      given(inventory, received(10))
        .when({ type: 'AdjustStock', productId, delta: 5, reason: 'found' })
        .then(adjusted(5, 'found'));
      given(inventory, received(10))
        .when({ type: 'AdjustStock', productId, delta: -10, reason: 'damaged' })
        .then(adjusted(-10, 'damaged'));
    });
    it('allows an adjustment exactly down to the reserved quantity', () =>
      given(inventory, received(10), reserved('o1', 4))
        .when({ type: 'AdjustStock', productId, delta: -6, reason: 'damaged' })
        .then(adjusted(-6, 'damaged')));
    it('rejects an adjustment below the reserved quantity', () =>
      given(inventory, received(10), reserved('o1', 4))
        .when({ type: 'AdjustStock', productId, delta: -7, reason: 'damaged' })
        .thenRejects('ADJUSTMENT_BELOW_RESERVED'));
    it('rejects an adjustment below zero', () =>
      given(inventory, received(3))
        .when({ type: 'AdjustStock', productId, delta: -4, reason: 'lost' })
        .thenRejects('ADJUSTMENT_BELOW_RESERVED'));
    it('rejects a zero, fractional or unsafe delta', () => {
      for (const delta of [0, 0.5, -2.5, Number.NaN, Number.MIN_SAFE_INTEGER - 1]) {
        given(inventory, received(10))
          .when({ type: 'AdjustStock', productId, delta, reason: 'x' })
          .thenRejects('INVALID_QUANTITY');
      }
    });
  });

  describe('ReserveStock', () => {
    it('reserves available stock', () =>
      given(inventory, received(5)).when(reserve('o1', 5)).then(reserved('o1', 5)));
    it('records a failure, not an error, when too little is available', () =>
      given(inventory, received(5), reserved('o1', 3))
        .when(reserve('o2', 3))
        .then(failed('o2', 3, 2)));
    it('records a failure on a product never stocked', () =>
      given(inventory)
        .when(reserve('o1', 1))
        .then(failed('o1', 1, 0)));
    it('is a no-op for a reservation id it has already seen, whatever became of it', () => {
      given(inventory, received(5), reserved('o1', 2)).when(reserve('o1', 2)).thenNothing();
      given(inventory, received(5), reserved('o1', 2), released('o1', 2, 'EXPIRED'))
        .when(reserve('o1', 2))
        .thenNothing();
      given(inventory, received(5), reserved('o1', 2), committed('o1', 2))
        .when(reserve('o1', 2))
        .thenNothing();
      given(inventory, received(5), reserved('o1', 2), committed('o1', 2), returned('o1', 2))
        .when(reserve('o1', 2))
        .thenNothing();
      given(inventory, failed('o1', 2, 0), received(5))
        .when(reserve('o1', 2))
        .thenNothing();
    });
    it('rejects an invalid quantity or expiry', () => {
      given(inventory, received(5)).when(reserve('o1', 0)).thenRejects('INVALID_QUANTITY');
      given(inventory, received(5)).when(reserve('o1', 1.5)).thenRejects('INVALID_QUANTITY');
      given(inventory, received(5))
        .when(reserve('o1', 1, 'tomorrow'))
        .thenRejects('INVALID_TIME');
      given(inventory, received(5))
        .when(reserve('o1', 1, '2025-13-45T99:00:00Z'))
        .thenRejects('INVALID_TIME');
    });
    it('treats ids named like Object.prototype members as ordinary ids', () => {
      given(inventory, received(5))
        .when(reserve('constructor', 1))
        .then(reserved('constructor', 1));
      const { state } = given(inventory, received(5), reserved('__proto__', 2));
      expect(availability(state)).toEqual({ onHand: 5, reserved: 2, available: 3 });
      expect(Object.getPrototypeOf(state.held)).toBe(Object.prototype);
      given(inventory, received(5), reserved('__proto__', 2))
        .when(release('__proto__'))
        .then(released('__proto__', 2, 'ORDER_REJECTED'));
    });
  });

  describe('ReleaseReservation', () => {
    it('releases a held reservation', () =>
      given(inventory, received(5), reserved('o1', 2))
        .when(release('o1', 'ORDER_REJECTED'))
        .then(released('o1', 2, 'ORDER_REJECTED')));
    it('is a no-op for an unknown, failed, released, committed or returned reservation', () => {
      given(inventory, received(5)).when(release('o1')).thenNothing();
      given(inventory, failed('o1', 2, 0))
        .when(release('o1'))
        .thenNothing();
      given(inventory, received(5), reserved('o1', 2), released('o1', 2, 'EXPIRED'))
        .when(release('o1'))
        .thenNothing();
      given(inventory, received(5), reserved('o1', 2), committed('o1', 2))
        .when(release('o1'))
        .thenNothing();
      given(inventory, received(5), reserved('o1', 2), committed('o1', 2), returned('o1', 2))
        .when(release('o1'))
        .thenNothing();
    });
  });

  describe('CommitReservation', () => {
    it('commits a held reservation', () =>
      given(inventory, received(5), reserved('o1', 2)).when(commit('o1')).then(committed('o1', 2)));
    it('is a no-op when already committed', () =>
      given(inventory, received(5), reserved('o1', 2), committed('o1', 2))
        .when(commit('o1'))
        .thenNothing());
    it('rejects a reservation that is not held', () => {
      given(inventory, received(5)).when(commit('o1')).thenRejects('RESERVATION_NOT_HELD');
      given(inventory, failed('o1', 2, 0))
        .when(commit('o1'))
        .thenRejects('RESERVATION_NOT_HELD');
      given(inventory, received(5), reserved('o1', 2), released('o1', 2, 'EXPIRED'))
        .when(commit('o1'))
        .thenRejects('RESERVATION_NOT_HELD');
      given(inventory, received(5), reserved('o1', 2), committed('o1', 2), returned('o1', 2))
        .when(commit('o1'))
        .thenRejects('RESERVATION_NOT_HELD');
    });
  });

  describe('ReturnStock', () => {
    it('returns a committed reservation', () =>
      given(inventory, received(5), reserved('o1', 2), committed('o1', 2))
        .when(returnStock('o1'))
        .then(returned('o1', 2)));
    it('releases a reservation still held', () =>
      given(inventory, received(5), reserved('o1', 2))
        .when(returnStock('o1'))
        .then(released('o1', 2, 'ORDER_CANCELLED')));
    it('is a no-op for a returned, released, failed or unknown reservation', () => {
      given(inventory, received(5), reserved('o1', 2), committed('o1', 2), returned('o1', 2))
        .when(returnStock('o1'))
        .thenNothing();
      given(inventory, received(5), reserved('o1', 2), released('o1', 2, 'EXPIRED'))
        .when(returnStock('o1'))
        .thenNothing();
      given(inventory, failed('o1', 2, 0))
        .when(returnStock('o1'))
        .thenNothing();
      given(inventory).when(returnStock('o1')).thenNothing();
    });
  });

  describe('ExpireReservations', () => {
    const history = [
      received(10),
      reserved('o3', 1, '2025-01-01T10:00:00.000Z'),
      reserved('o1', 2, '2025-01-01T11:00:00.000Z'),
      reserved('o2', 3, '2025-01-01T13:00:00.000Z'),
      reserved('o0', 1, '2025-01-01T09:00:00.000Z'),
      committed('o0', 1),
      reserved('o4', 1, '2025-01-01T09:30:00.000Z'),
      released('o4', 1, 'ORDER_REJECTED'),
    ];
    it('releases every held reservation due, in reservationId order', () =>
      given(inventory, ...history)
        .when(expire('2025-01-01T11:00:00.000Z'))
        .then(released('o1', 2, 'EXPIRED'), released('o3', 1, 'EXPIRED')));
    it('compares instants, not strings', () =>
      given(inventory, ...history)
        .when(expire('2025-01-01T12:30:00+01:00'))
        .then(released('o1', 2, 'EXPIRED'), released('o3', 1, 'EXPIRED')));
    it('is a no-op when nothing is due, or once released', () => {
      given(inventory, ...history)
        .when(expire('2025-01-01T09:59:59.999Z'))
        .thenNothing();
      given(inventory, ...history, released('o1', 2, 'EXPIRED'), released('o3', 1, 'EXPIRED'))
        .when(expire('2025-01-01T11:00:00.000Z'))
        .thenNothing();
    });
    it('rejects an invalid time', () =>
      given(inventory, ...history)
        .when(expire('now'))
        .thenRejects('INVALID_TIME'));
    it('lists due reservations with expiredReservations', () => {
      const { state } = given(inventory, ...history);
      expect(expiredReservations(state, '2025-01-01T08:00:00.000Z')).toEqual([]);
      expect(expiredReservations(state, '2025-01-01T10:00:00.000Z')).toEqual(['o3']);
      expect(expiredReservations(state, '2025-01-01T11:00:00.000Z')).toEqual(['o1', 'o3']);
      expect(expiredReservations(state, '2030-01-01T00:00:00.000Z')).toEqual(['o1', 'o2', 'o3']);
    });
  });

  describe('state', () => {
    it('starts empty', () =>
      expect(availability(given(inventory).state)).toEqual({
        onHand: 0,
        reserved: 0,
        available: 0,
      }));

    it('tracks on hand, reserved and available through every transition', () => {
      const steps: [InventoryEvent, ReturnType<typeof availability>][] = [
        [received(10), { onHand: 10, reserved: 0, available: 10 }],
        [reserved('o1', 4), { onHand: 10, reserved: 4, available: 6 }],
        [reserved('o2', 6), { onHand: 10, reserved: 10, available: 0 }],
        [failed('o3', 1, 0), { onHand: 10, reserved: 10, available: 0 }],
        [committed('o1', 4), { onHand: 6, reserved: 6, available: 0 }],
        [released('o2', 6, 'ORDER_CANCELLED'), { onHand: 6, reserved: 0, available: 6 }],
        [returned('o1', 4), { onHand: 10, reserved: 0, available: 10 }],
        [adjusted(-3), { onHand: 7, reserved: 0, available: 7 }],
      ];
      let state = inventory.decider.initialState;
      for (const [event, expected] of steps) {
        state = inventory.decider.evolve(state, event);
        expect(availability(state)).toEqual(expected);
      }
      expect(state.held).toEqual({});
      expect(reservationOf(state, 'o1')).toEqual({ status: 'returned', quantity: 4 });
      expect(reservationOf(state, 'o2')).toEqual({ status: 'released', quantity: 6 });
      expect(reservationOf(state, 'o3')).toEqual({ status: 'failed', quantity: 1 });
      expect(reservationOf(state, 'o4')).toEqual({ status: 'none' });
    });

    it('ignores settlement events for reservations not in the matching status', () => {
      const { state } = given(inventory, received(5), reserved('o1', 2), committed('o1', 2));
      const after = [released('o1', 2, 'EXPIRED'), committed('o1', 2), returned('o9', 1)].reduce(
        inventory.decider.evolve,
        state,
      );
      expect(after).toEqual(state);
    });

    it('survives a JSON round trip (snapshots)', () => {
      const { state } = given(
        inventory,
        received(10),
        reserved('o1', 2),
        failed('o2', 20, 8),
        committed('o1', 2),
      );
      expect(JSON.parse(JSON.stringify(state))).toEqual(state);
      expect(inventory.snapshot).toEqual({ version: 'inventory-v2', every: 200 });
      expect(inventory.category).toBe('inventory');
    });
  });

  describe('bounded state', () => {
    const id = (n: number) => `o${String(n).padStart(6, '0')}`;
    const kept = SETTLED_KEPT.groupSize * SETTLED_KEPT.groups;
    const settledKeys = (state: InventoryState) =>
      state.settled.groups.reduce((n, group) => n + Object.keys(group).length, 0);
    /** o000000 is held throughout; o000001..o010000 are each reserved and committed. */
    const history = [
      received(10_005),
      reserved(id(0), 5),
      ...Array.from({ length: 10_000 }, (_, i) => [
        reserved(id(i + 1), 1),
        committed(id(i + 1), 1),
      ]).flat(),
    ];
    const { state } = given(inventory, ...history);

    it('keeps the held reservations and a bounded number of settled ones after 10,000 reserve+commit cycles', () => {
      expect(availability(state)).toEqual({ onHand: 5, reserved: 5, available: 0 });
      expect(Object.keys(state.held)).toEqual([id(0)]);
      expect(settledKeys(state)).toBeLessThanOrEqual(kept);
      expect(settledKeys(state)).toBeGreaterThan(kept - SETTLED_KEPT.groupSize);
      expect(state.settled.groups.length).toBeLessThanOrEqual(SETTLED_KEPT.groups);
      expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    });

    it('folds the same cycles in the same bounds however long it runs', () => {
      let longer = state;
      for (let i = 10_001; i <= 20_000; i++) {
        longer = [received(1), reserved(id(i), 1), committed(id(i), 1)].reduce(
          inventory.decider.evolve,
          longer,
        );
      }
      expect(settledKeys(longer)).toBeLessThanOrEqual(kept);
      expect(JSON.stringify(longer).length).toBeLessThan(JSON.stringify(state).length * 1.1);
    });

    it('tells recent outcomes, forgotten ones and ids never seen apart', () => {
      expect(reservationOf(state, id(10_000))).toEqual({ status: 'committed', quantity: 1 });
      expect(reservationOf(state, id(1))).toEqual({ status: 'forgotten' });
      expect(reservationOf(state, id(0))).toEqual({ status: 'held', quantity: 5, expiresAt });
      expect(reservationOf(state, id(10_001))).toEqual({ status: 'none' });
    });

    it('a redelivered ReserveStock for a reservation settled and forgotten reserves nothing', () => {
      given(inventory, ...history, received(10))
        .when(reserve(id(1), 1))
        .thenNothing();
      given(inventory, ...history, received(10))
        .when(reserve(id(9_000), 1))
        .thenNothing();
    });

    it('reserves new ids as usual; a straggler that sorts before forgotten ids is refused', () => {
      given(inventory, ...history, received(10))
        .when(reserve(id(10_001), 1))
        .then(reserved(id(10_001), 1));
      given(inventory, ...history, received(10))
        .when(reserve('a-straggler', 1))
        .thenNothing();
    });

    it('a repeated release or commit of a forgotten reservation changes nothing', () => {
      given(inventory, ...history)
        .when(release(id(1)))
        .thenNothing();
      given(inventory, ...history)
        .when(commit(id(1)))
        .thenRejects('RESERVATION_NOT_HELD');
      given(inventory, ...history)
        .when(commit(id(10_000)))
        .thenNothing();
      given(inventory, ...history)
        .when(release(id(10_000)))
        .thenNothing();
    });

    it('a reservation held for the whole time is still released, committed or expired', () => {
      given(inventory, ...history)
        .when(commit(id(0)))
        .then(committed(id(0), 5));
      given(inventory, ...history)
        .when(release(id(0), 'ORDER_CANCELLED'))
        .then(released(id(0), 5, 'ORDER_CANCELLED'));
      given(inventory, ...history)
        .when(expire('2025-01-01T12:15:00.000Z'))
        .then(released(id(0), 5, 'EXPIRED'));
      expect(expiredReservations(state, '2025-01-01T12:15:00.000Z')).toEqual([id(0)]);
    });

    it('returns a forgotten sale with the quantity its caller gives, and only once it remembers', () => {
      given(inventory, ...history)
        .when(returnStock(id(1), 1))
        .then(returned(id(1), 1));
      given(inventory, ...history, returned(id(1), 1))
        .when(returnStock(id(1), 1))
        .thenNothing();
      given(inventory, ...history)
        .when(returnStock(id(1), 0))
        .thenRejects('INVALID_QUANTITY');
      const after = given(inventory, ...history, returned(id(1), 1)).state;
      expect(availability(after)).toEqual({ onHand: 6, reserved: 5, available: 1 });
      expect(reservationOf(after, id(1))).toEqual({ status: 'returned', quantity: 1 });
    });

    it('returns a remembered sale with its own quantity, once', () => {
      given(inventory, ...history)
        .when(returnStock(id(10_000), 7))
        .then(returned(id(10_000), 1));
      given(inventory, ...history, returned(id(10_000), 1))
        .when(returnStock(id(10_000), 1))
        .thenNothing();
    });
  });

  describe('invariants under a pseudo-random command sequence', () => {
    // A seeded LCG (Numerical Recipes constants), so every run sees the same sequence.
    // Its high bits are used: the low bits of a power-of-two LCG cycle quickly.
    function lcg(seed: number) {
      let s = seed >>> 0;
      return (n: number) => {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        return Math.floor((s / 2 ** 32) * n);
      };
    }
    const minute = (m: number) => new Date(Date.UTC(2025, 0, 1, 0, m)).toISOString();
    const reasons = ['ORDER_REJECTED', 'ORDER_CANCELLED', 'EXPIRED'] as const;

    /**
     * `issued` lists the reservation ids used so far; most commands pick one
     * of the last `reachBack`. Ids sort in the order they are made, as order ids do.
     */
    function randomCommand(
      next: (n: number) => number,
      step: number,
      issued: string[],
      reachBack = 12,
    ): InventoryCommand {
      const back = next(Math.min(issued.length, reachBack));
      const recent = issued[issued.length - 1 - back] ?? 'o-none';
      switch (next(10)) {
        case 0:
          return { type: 'ReceiveStock', productId, quantity: next(12) };
        case 1:
          return { type: 'AdjustStock', productId, delta: next(21) - 12, reason: 'count' };
        case 2:
        case 3:
        case 4: {
          const reservationId = next(4) === 0 ? recent : `o${String(step).padStart(6, '0')}`;
          issued.push(reservationId);
          return reserve(reservationId, next(8), minute(step + 5 + next(40)));
        }
        case 5:
          return release(recent, reasons[next(reasons.length)]);
        case 6:
        case 7:
          return commit(recent);
        case 8:
          return returnStock(recent);
        default:
          return expire(minute(step));
      }
    }

    function assertInvariants(state: InventoryState) {
      const { onHand, reserved: held, available } = availability(state);
      expect(held).toBeGreaterThanOrEqual(0);
      expect(onHand).toBeGreaterThanOrEqual(held);
      expect(available).toBe(onHand - held);
      const heldSum = Object.values(state.held).reduce((sum, r) => sum + r.quantity, 0);
      expect(held).toBe(heldSum);
    }

    it('keeps onHand >= reserved >= 0 and reserved = sum of held over 500 commands', () => {
      const next = lcg(20250101);
      const { decide, evolve, initialState } = inventory.decider;
      let state = initialState;
      const outcomes = new Map<string, number>();
      const issued: string[] = [];
      for (let step = 0; step < 500; step++) {
        const command = randomCommand(next, step, issued);
        let events: readonly InventoryEvent[] = [];
        try {
          events = decide(command, state);
        } catch (error) {
          if (!isAppError(error)) throw error;
          outcomes.set(error.code, (outcomes.get(error.code) ?? 0) + 1);
        }
        for (const event of events) {
          outcomes.set(event.type, (outcomes.get(event.type) ?? 0) + 1);
        }
        state = events.reduce(evolve, state);
        assertInvariants(state);
        if (command.type !== 'ReceiveStock' && command.type !== 'AdjustStock' && events.length) {
          // Redelivering the same command changes nothing.
          expect(decide(command, state)).toEqual([]);
        }
      }
      expect(JSON.parse(JSON.stringify(state))).toEqual(state);
      // The sequence reaches every event and both business rejections.
      for (const outcome of [
        'StockReceived',
        'StockAdjusted',
        'StockReserved',
        'StockReservationFailed',
        'ReservationReleased',
        'ReservationCommitted',
        'StockReturned',
        'ADJUSTMENT_BELOW_RESERVED',
        'RESERVATION_NOT_HELD',
        'INVALID_QUANTITY',
      ]) {
        expect(outcomes.get(outcome)).toBeGreaterThan(0);
      }
    });

    it('over 6,000 commands that also redeliver long-settled ids, changes each reservation once per step and stays bounded', () => {
      const next = lcg(20250601);
      const { decide, evolve, initialState } = inventory.decider;
      let state = initialState;
      const issued: string[] = [];
      // What the events say of every reservation: the test's own, unbounded, record.
      const history = new Map<string, { status: string; quantity: number }>();
      const transitions: Record<string, readonly [string | undefined, string]> = {
        StockReserved: [undefined, 'held'],
        StockReservationFailed: [undefined, 'failed'],
        ReservationReleased: ['held', 'released'],
        ReservationCommitted: ['held', 'committed'],
        StockReturned: ['committed', 'returned'],
      };
      let forgotten = 0;
      for (let step = 0; step < 6000; step++) {
        let command = randomCommand(next, step, issued, 3000);
        if (command.type === 'ReturnStock') {
          const sale = history.get(command.reservationId);
          if (reservationOf(state, command.reservationId).status === 'forgotten') {
            forgotten++;
            // As the fulfilment process does: a forgotten sale is returned once with
            // its order line's quantity; a forgotten reservation that was not sold, never.
            if (sale?.status !== 'committed') continue;
          }
          command = { ...command, quantity: sale?.quantity ?? 1 };
        } else if (
          'reservationId' in command &&
          reservationOf(state, command.reservationId).status === 'forgotten'
        ) {
          forgotten++;
        }
        let events: readonly InventoryEvent[] = [];
        try {
          events = decide(command, state);
        } catch (error) {
          if (!isAppError(error)) throw error;
        }
        for (const event of events) {
          if (!('reservationId' in event.data)) continue;
          const { reservationId } = event.data;
          const [from, to = ''] = transitions[event.type] ?? [];
          expect([event.type, history.get(reservationId)?.status]).toEqual([event.type, from]);
          const quantity = 'quantity' in event.data ? event.data.quantity : 0;
          history.set(reservationId, { status: to, quantity });
        }
        state = events.reduce(evolve, state);
        assertInvariants(state);
        const kept = state.settled.groups.reduce((n, g) => n + Object.keys(g).length, 0);
        expect(kept).toBeLessThanOrEqual(SETTLED_KEPT.groupSize * SETTLED_KEPT.groups);
      }
      expect(forgotten).toBeGreaterThan(100);
      const returned = [...history.values()].filter((r) => r.status === 'returned');
      expect(returned.length).toBeGreaterThan(0);
      expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    });
  });
});
