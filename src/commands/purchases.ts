import type { PurchasesEvent } from '../events/purchases.js';
import type { Aggregate } from './decider.js';

// State

/** Plain records (no Set), so the state survives a JSON round trip. */
export type PurchasesState =
  | { readonly status: 'none' }
  | {
      readonly status: 'purchased';
      readonly customerId: string;
      /** Delivered orders already recorded: a redelivered order changes nothing. */
      readonly orderIds: Readonly<Record<string, true>>;
      readonly productIds: Readonly<Record<string, true>>;
    };

export function evolvePurchases(state: PurchasesState, event: PurchasesEvent): PurchasesState {
  switch (event.type) {
    case 'ProductsDelivered': {
      const { customerId, orderId, productIds } = event.data;
      const known = state.status === 'purchased' ? state : undefined;
      return {
        status: 'purchased',
        customerId,
        orderIds: { ...known?.orderIds, [orderId]: true },
        productIds: {
          ...known?.productIds,
          ...Object.fromEntries(productIds.map((id) => [id, true as const])),
        },
      };
    }
  }
}

// Commands

export type PurchasesCommand = {
  readonly type: 'RecordDelivery';
  readonly customerId: string;
  readonly orderId: string;
  readonly productIds: readonly string[];
};

export function decidePurchases(
  command: PurchasesCommand,
  state: PurchasesState,
): PurchasesEvent[] {
  switch (command.type) {
    case 'RecordDelivery': {
      const { customerId, orderId, productIds } = command;
      if (state.status === 'purchased' && Object.hasOwn(state.orderIds, orderId)) return [];
      return [{ type: 'ProductsDelivered', data: { customerId, orderId, productIds } }];
    }
    default: {
      const _exhaustive: never = command.type;
      return _exhaustive;
    }
  }
}

// Read

/** Whether a delivered order of the customer held the product. */
export const hasReceived = (state: PurchasesState, productId: string): boolean =>
  state.status === 'purchased' && Object.hasOwn(state.productIds, productId);

export const purchasesAggregate: Aggregate<PurchasesState, PurchasesCommand, PurchasesEvent> = {
  category: 'purchases',
  decider: { initialState: { status: 'none' }, decide: decidePurchases, evolve: evolvePurchases },
};
