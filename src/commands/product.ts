import { AppError } from '../errors.js';
import type { Money } from '../events/money.js';
import type { ProductCreated, ProductEvent } from '../events/product.js';
import type { Aggregate } from './decider.js';
import { invalidTransition, notFound } from './domain-errors.js';

// State

type Details = Omit<ProductCreated['data'], 'productId'>;

export type ProductState =
  | { readonly status: 'absent' }
  | ({ readonly status: 'active'; readonly productId: string } & Details)
  | ({ readonly status: 'discontinued'; readonly productId: string } & Details);

export function evolveProduct(state: ProductState, event: ProductEvent): ProductState {
  switch (event.type) {
    case 'ProductCreated': {
      const { productId, ...details } = event.data;
      return { status: 'active', productId, ...details };
    }
    case 'ProductUpdated': {
      if (state.status === 'absent') return state;
      const { productId: _, ...changes } = event.data;
      return { ...state, ...changes };
    }
    case 'PriceChanged':
      return state.status === 'absent' ? state : { ...state, price: event.data.price };
    case 'ProductDiscontinued':
      return state.status === 'active' ? { ...state, status: 'discontinued' } : state;
  }
}

// Commands

export type ProductCommand =
  | ({ readonly type: 'CreateProduct'; readonly productId: string } & Details)
  | {
      readonly type: 'UpdateProduct';
      readonly name?: string;
      readonly description?: string;
      readonly category?: string;
      readonly attributes?: Readonly<Record<string, string>>;
    }
  | { readonly type: 'ChangePrice'; readonly price: Money }
  | { readonly type: 'Discontinue' };

export function decideProduct(command: ProductCommand, state: ProductState): ProductEvent[] {
  switch (command.type) {
    case 'CreateProduct': {
      if (state.status !== 'absent') {
        throw new AppError('PRODUCT_EXISTS', `Product ${state.productId} already exists`);
      }
      const { type: _, ...data } = command;
      assertPrice(data.price);
      return [{ type: 'ProductCreated', data }];
    }
    case 'UpdateProduct': {
      const product = active(state, 'update');
      const { type: _, ...requested } = command;
      const changes = Object.fromEntries(
        Object.entries(requested).filter(
          ([key, value]) =>
            value !== undefined &&
            JSON.stringify(value) !== JSON.stringify(product[key as keyof typeof product]),
        ),
      );
      if (Object.keys(changes).length === 0) return [];
      return [{ type: 'ProductUpdated', data: { productId: product.productId, ...changes } }];
    }
    case 'ChangePrice': {
      const product = active(state, 'reprice');
      assertPrice(command.price);
      if (
        command.price.amount === product.price.amount &&
        command.price.currency === product.price.currency
      ) {
        return [];
      }
      return [
        {
          type: 'PriceChanged',
          data: { productId: product.productId, price: command.price, previous: product.price },
        },
      ];
    }
    case 'Discontinue': {
      const product = active(state, 'discontinue');
      return [{ type: 'ProductDiscontinued', data: { productId: product.productId } }];
    }
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function active(state: ProductState, action: string) {
  if (state.status === 'absent') throw notFound('product');
  if (state.status === 'discontinued') {
    throw invalidTransition(`Cannot ${action} a discontinued product`);
  }
  return state;
}

function assertPrice(price: Money): void {
  if (!Number.isSafeInteger(price.amount) || price.amount < 0) {
    throw new AppError('INVALID_PRICE', 'A price is a non-negative whole number of minor units');
  }
}

export const productAggregate: Aggregate<ProductState, ProductCommand, ProductEvent> = {
  category: 'product',
  decider: { initialState: { status: 'absent' }, decide: decideProduct, evolve: evolveProduct },
};
