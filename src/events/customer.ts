import type { DomainEvent } from './envelope.js';

export const roles = ['customer', 'admin', 'analyst', 'ops'] as const;
export type Role = (typeof roles)[number];

/** Events of `customer-<customerId>` streams. */
export type CustomerRegistered = DomainEvent<
  'CustomerRegistered',
  {
    readonly customerId: string;
    readonly email: string;
    readonly name: string;
    readonly roles: readonly Role[];
    readonly registeredAt: string;
  }
>;

/** The hash has its own event type so that it can be redacted wherever events are shown. */
export type PasswordSet = DomainEvent<
  'PasswordSet',
  { readonly customerId: string; readonly passwordHash: string }
>;

export type ProfileChanged = DomainEvent<
  'ProfileChanged',
  { readonly customerId: string; readonly name: string }
>;

export type RolesGranted = DomainEvent<
  'RolesGranted',
  { readonly customerId: string; readonly roles: readonly Role[] }
>;

export type CustomerEvent = CustomerRegistered | PasswordSet | ProfileChanged | RolesGranted;

export const customerStream = (customerId: string) => `customer-${customerId}`;
