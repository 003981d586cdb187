import { AppError } from '../errors.js';
import type { CartEvent, CartOpened } from '../events/cart.js';
import type { Aggregate } from './decider.js';
import { invalidTransition, notFound } from './domain-errors.js';

// State

export interface CartLine {
  readonly productId: string;
  readonly quantity: number;
}

type Opened = CartOpened['data'] & { readonly lines: readonly CartLine[] };

export type CartState =
  | { readonly status: 'absent' }
  | ({ readonly status: 'open' } & Opened)
  | ({
      readonly status: 'checkedOut';
      readonly orderId: string;
      readonly checkedOutAt: string;
    } & Opened);

export function evolveCart(state: CartState, event: CartEvent): CartState {
  switch (event.type) {
    case 'CartOpened':
      return { status: 'open', ...event.data, lines: [] };
    case 'ItemAdded':
      return state.status === 'open'
        ? { ...state, lines: withItem(state.lines, event.data) }
        : state;
    case 'ItemRemoved':
      return state.status === 'open'
        ? { ...state, lines: state.lines.filter((l) => l.productId !== event.data.productId) }
        : state;
    case 'CartCheckedOut': {
      if (state.status !== 'open') return state;
      const { orderId, checkedOutAt } = event.data;
      return { ...state, status: 'checkedOut', orderId, checkedOutAt };
    }
  }
}

/** Adds to the product's line, or appends a line: lines keep their first-added order. */
function withItem(lines: readonly CartLine[], { productId, quantity }: CartLine): CartLine[] {
  if (!lines.some((line) => line.productId === productId)) {
    return [...lines, { productId, quantity }];
  }
  return lines.map((line) =>
    line.productId === productId ? { productId, quantity: line.quantity + quantity } : line,
  );
}

// Commands

export type CartCommand =
  | ({ readonly type: 'OpenCart' } & CartOpened['data'])
  | { readonly type: 'AddItem'; readonly productId: string; readonly quantity: number }
  | { readonly type: 'RemoveItem'; readonly productId: string }
  | { readonly type: 'CheckOutCart'; readonly orderId: string; readonly checkedOutAt: string };

export function decideCart(command: CartCommand, state: CartState): CartEvent[] {
  switch (command.type) {
    case 'OpenCart': {
      if (state.status !== 'absent') {
        throw new AppError('CART_EXISTS', `Cart ${state.cartId} already exists`);
      }
      const { type: _, ...data } = command;
      return [{ type: 'CartOpened', data }];
    }
    case 'AddItem': {
      const cart = open(state, 'add items to');
      if (!Number.isSafeInteger(command.quantity) || command.quantity <= 0) {
        throw new AppError('INVALID_QUANTITY', 'A quantity is a positive whole number');
      }
      const { productId, quantity } = command;
      return [{ type: 'ItemAdded', data: { cartId: cart.cartId, productId, quantity } }];
    }
    case 'RemoveItem': {
      const cart = open(state, 'remove items from');
      if (!cart.lines.some((line) => line.productId === command.productId)) return [];
      return [{ type: 'ItemRemoved', data: { cartId: cart.cartId, productId: command.productId } }];
    }
    case 'CheckOutCart': {
      const cart = open(state, 'check out');
      if (cart.lines.length === 0) throw new AppError('EMPTY_CART', 'The cart is empty');
      const { orderId, checkedOutAt } = command;
      return [{ type: 'CartCheckedOut', data: { cartId: cart.cartId, orderId, checkedOutAt } }];
    }
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function open(state: CartState, action: string) {
  if (state.status === 'absent') throw notFound('cart');
  if (state.status === 'checkedOut') {
    throw invalidTransition(`Cannot ${action} a cart that was checked out`);
  }
  return state;
}

// Views

export interface CartView {
  readonly cartId: string;
  readonly customerId: string;
  readonly status: 'open' | 'checkedOut';
  readonly lines: readonly CartLine[];
  readonly openedAt: string;
  readonly orderId?: string;
  readonly checkedOutAt?: string;
}

export function cartView(state: CartState): CartView | undefined {
  if (state.status === 'absent') return undefined;
  const { status, cartId, customerId, lines, openedAt } = state;
  const view = { cartId, customerId, status, lines, openedAt };
  if (state.status === 'open') return view;
  return { ...view, orderId: state.orderId, checkedOutAt: state.checkedOutAt };
}

export const cartAggregate: Aggregate<CartState, CartCommand, CartEvent> = {
  category: 'cart',
  decider: { initialState: { status: 'absent' }, decide: decideCart, evolve: evolveCart },
};
