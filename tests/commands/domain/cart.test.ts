import { cartAggregate as cart, cartView } from '../../../src/commands/cart.js';
import type { CartEvent } from '../../../src/events/cart.js';
import { given } from '../../support/given-when-then.js';

const openedAt = '2025-01-01T10:00:00.000Z';
const checkedOutAt = '2025-01-01T10:05:00.000Z';
const opened: CartEvent = {
  type: 'CartOpened',
  data: { cartId: 'k1', customerId: 'c1', openedAt },
};
const added = (productId: string, quantity: number): CartEvent => ({
  type: 'ItemAdded',
  data: { cartId: 'k1', productId, quantity },
});
const removed = (productId: string): CartEvent => ({
  type: 'ItemRemoved',
  data: { cartId: 'k1', productId },
});
const checkedOut: CartEvent = {
  type: 'CartCheckedOut',
  data: { cartId: 'k1', orderId: 'o1', checkedOutAt },
};

describe('cart decider', () => {
  describe('OpenCart', () => {
    it('opens a cart', () =>
      given(cart)
        .when({ type: 'OpenCart', cartId: 'k1', customerId: 'c1', openedAt })
        .then(opened));
    it('rejects opening it twice', () =>
      given(cart, opened)
        .when({ type: 'OpenCart', cartId: 'k1', customerId: 'c1', openedAt })
        .thenRejects('CART_EXISTS'));
  });

  describe('AddItem', () => {
    it('adds an item', () =>
      given(cart, opened)
        .when({ type: 'AddItem', productId: 'p1', quantity: 2 })
        .then(added('p1', 2)));
    it('adds to an existing line', () =>
      given(cart, opened, added('p1', 2))
        .when({ type: 'AddItem', productId: 'p1', quantity: 3 })
        .then(added('p1', 3)));
    it('rejects a quantity that is not a positive whole number', () => {
      for (const quantity of [0, -1, 1.5, Number.NaN]) {
        given(cart, opened)
          .when({ type: 'AddItem', productId: 'p1', quantity })
          .thenRejects('INVALID_QUANTITY');
      }
    });
    it('rejects an unknown or checked-out cart', () => {
      given(cart).when({ type: 'AddItem', productId: 'p1', quantity: 1 }).thenRejects('NOT_FOUND');
      given(cart, opened, added('p1', 1), checkedOut)
        .when({ type: 'AddItem', productId: 'p1', quantity: 1 })
        .thenRejects('INVALID_TRANSITION');
    });
  });

  describe('RemoveItem', () => {
    it('removes an item', () =>
      given(cart, opened, added('p1', 2))
        .when({ type: 'RemoveItem', productId: 'p1' })
        .then(removed('p1')));
    it('changes nothing for an absent item, also when removed before', () => {
      given(cart, opened).when({ type: 'RemoveItem', productId: 'p1' }).thenNothing();
      given(cart, opened, added('p1', 2), removed('p1'))
        .when({ type: 'RemoveItem', productId: 'p1' })
        .thenNothing();
    });
    it('rejects an unknown or checked-out cart', () => {
      given(cart).when({ type: 'RemoveItem', productId: 'p1' }).thenRejects('NOT_FOUND');
      given(cart, opened, added('p1', 1), checkedOut)
        .when({ type: 'RemoveItem', productId: 'p1' })
        .thenRejects('INVALID_TRANSITION');
    });
  });

  describe('CheckOutCart', () => {
    it('checks out a cart with items', () =>
      given(cart, opened, added('p1', 1))
        .when({ type: 'CheckOutCart', orderId: 'o1', checkedOutAt })
        .then(checkedOut));
    it('rejects an empty cart, also one emptied again', () => {
      given(cart, opened)
        .when({ type: 'CheckOutCart', orderId: 'o1', checkedOutAt })
        .thenRejects('EMPTY_CART');
      given(cart, opened, added('p1', 1), removed('p1'))
        .when({ type: 'CheckOutCart', orderId: 'o1', checkedOutAt })
        .thenRejects('EMPTY_CART');
    });
    it('rejects a second checkout and an unknown cart', () => {
      given(cart, opened, added('p1', 1), checkedOut)
        .when({ type: 'CheckOutCart', orderId: 'o2', checkedOutAt })
        .thenRejects('INVALID_TRANSITION');
      given(cart)
        .when({ type: 'CheckOutCart', orderId: 'o1', checkedOutAt })
        .thenRejects('NOT_FOUND');
    });
  });

  describe('state', () => {
    it('keeps lines in first-added order, summing quantities', () => {
      const { state } = given(
        cart,
        opened,
        added('p1', 1),
        added('p2', 1),
        added('p3', 4),
        added('p1', 2),
        removed('p2'),
        added('p2', 5),
      );
      expect(state).toMatchObject({
        status: 'open',
        customerId: 'c1',
        lines: [
          { productId: 'p1', quantity: 3 },
          { productId: 'p3', quantity: 4 },
          { productId: 'p2', quantity: 5 },
        ],
      });
    });
    it('shows an open cart', () => {
      const { state } = given(cart, opened, added('p1', 2));
      expect(cartView(state)).toEqual({
        cartId: 'k1',
        customerId: 'c1',
        status: 'open',
        lines: [{ productId: 'p1', quantity: 2 }],
        openedAt,
      });
    });
    it('shows a checked-out cart with its order', () => {
      const { state } = given(cart, opened, added('p1', 2), checkedOut);
      expect(state.status).toBe('checkedOut');
      expect(cartView(state)).toEqual({
        cartId: 'k1',
        customerId: 'c1',
        status: 'checkedOut',
        lines: [{ productId: 'p1', quantity: 2 }],
        openedAt,
        orderId: 'o1',
        checkedOutAt,
      });
    });
    it('shows nothing of an unknown cart', () => {
      expect(cartView(given(cart).state)).toBeUndefined();
    });
  });
});
