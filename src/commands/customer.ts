import { AppError } from '../errors.js';
import type { CustomerEvent, CustomerRegistered, Role } from '../events/customer.js';
import type { Aggregate } from './decider.js';
import { notFound } from './domain-errors.js';

// State

type Profile = CustomerRegistered['data'];

export type CustomerState =
  | { readonly status: 'absent' }
  | ({ readonly status: 'registered'; readonly passwordHash?: string } & Profile);

export function evolveCustomer(state: CustomerState, event: CustomerEvent): CustomerState {
  switch (event.type) {
    case 'CustomerRegistered':
      return { status: 'registered', ...event.data };
    case 'PasswordSet':
      return state.status === 'absent'
        ? state
        : { ...state, passwordHash: event.data.passwordHash };
    case 'ProfileChanged':
      return state.status === 'absent' ? state : { ...state, name: event.data.name };
    case 'RolesGranted':
      return state.status === 'absent'
        ? state
        : { ...state, roles: [...state.roles, ...event.data.roles] };
  }
}

// Commands

export type CustomerCommand =
  | ({ readonly type: 'Register'; readonly passwordHash: string } & Profile)
  | { readonly type: 'ChangeProfile'; readonly name: string }
  | { readonly type: 'SetPassword'; readonly passwordHash: string }
  | { readonly type: 'GrantRoles'; readonly roles: readonly Role[] };

export function decideCustomer(command: CustomerCommand, state: CustomerState): CustomerEvent[] {
  switch (command.type) {
    case 'Register': {
      if (state.status !== 'absent') {
        throw new AppError('CUSTOMER_EXISTS', `Customer ${state.customerId} already exists`);
      }
      const { type: _, passwordHash, customerId, roles, ...profile } = command;
      return [
        {
          type: 'CustomerRegistered',
          data: { customerId, ...profile, roles: newRoles([], roles) },
        },
        { type: 'PasswordSet', data: { customerId, passwordHash } },
      ];
    }
    case 'ChangeProfile': {
      const customer = registered(state);
      if (command.name === customer.name) return [];
      return [
        { type: 'ProfileChanged', data: { customerId: customer.customerId, name: command.name } },
      ];
    }
    case 'SetPassword': {
      const customer = registered(state);
      if (command.passwordHash === customer.passwordHash) return [];
      return [
        {
          type: 'PasswordSet',
          data: { customerId: customer.customerId, passwordHash: command.passwordHash },
        },
      ];
    }
    case 'GrantRoles': {
      const customer = registered(state);
      const granted = newRoles(customer.roles, command.roles);
      if (granted.length === 0) return [];
      return [{ type: 'RolesGranted', data: { customerId: customer.customerId, roles: granted } }];
    }
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function registered(state: CustomerState) {
  if (state.status === 'absent') throw notFound('customer');
  return state;
}

/** The requested roles not held yet, each once, in the order asked. */
function newRoles(held: readonly Role[], requested: readonly Role[]): Role[] {
  return requested.filter(
    (role, index) => !held.includes(role) && requested.indexOf(role) === index,
  );
}

// Views

export interface CustomerProfile {
  readonly customerId: string;
  readonly email: string;
  readonly name: string;
  readonly roles: readonly Role[];
  readonly registeredAt: string;
}

/** What may be shown of a customer: everything but the password hash. */
export function customerProfile(state: CustomerState): CustomerProfile | undefined {
  if (state.status === 'absent') return undefined;
  const { customerId, email, name, roles, registeredAt } = state;
  return { customerId, email, name, roles, registeredAt };
}

export const passwordHashOf = (state: CustomerState): string | undefined =>
  state.status === 'absent' ? undefined : state.passwordHash;

export const customerAggregate: Aggregate<CustomerState, CustomerCommand, CustomerEvent> = {
  category: 'customer',
  decider: { initialState: { status: 'absent' }, decide: decideCustomer, evolve: evolveCustomer },
};
