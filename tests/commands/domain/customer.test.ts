import {
  customerAggregate as customer,
  customerProfile,
  passwordHashOf,
} from '../../../src/commands/customer.js';
import type { CustomerEvent } from '../../../src/events/customer.js';
import { given } from '../../support/given-when-then.js';

const profile = {
  customerId: 'c1',
  email: 'ada@example.com',
  name: 'Ada',
  roles: ['customer' as const],
  registeredAt: '2025-01-01T00:00:00.000Z',
};
const registered: CustomerEvent = { type: 'CustomerRegistered', data: profile };
const passwordSet: CustomerEvent = {
  type: 'PasswordSet',
  data: { customerId: 'c1', passwordHash: 'hash-1' },
};

describe('customer decider', () => {
  describe('Register', () => {
    it('registers a customer and sets the password in its own event', () =>
      given(customer)
        .when({ type: 'Register', ...profile, passwordHash: 'hash-1' })
        .then(registered, passwordSet));
    it('records each role once', () =>
      given(customer)
        .when({
          type: 'Register',
          ...profile,
          roles: ['admin', 'ops', 'admin'],
          passwordHash: 'hash-1',
        })
        .then(
          { type: 'CustomerRegistered', data: { ...profile, roles: ['admin', 'ops'] } },
          passwordSet,
        ));
    it('rejects registering twice', () =>
      given(customer, registered, passwordSet)
        .when({ type: 'Register', ...profile, passwordHash: 'hash-2' })
        .thenRejects('CUSTOMER_EXISTS'));
  });

  describe('ChangeProfile', () => {
    it('changes the name', () =>
      given(customer, registered, passwordSet)
        .when({ type: 'ChangeProfile', name: 'Ada L.' })
        .then({ type: 'ProfileChanged', data: { customerId: 'c1', name: 'Ada L.' } }));
    it('changes nothing for the same name', () =>
      given(customer, registered, passwordSet)
        .when({ type: 'ChangeProfile', name: 'Ada' })
        .thenNothing());
    it('rejects an unknown customer', () =>
      given(customer).when({ type: 'ChangeProfile', name: 'x' }).thenRejects('NOT_FOUND'));
  });

  describe('SetPassword', () => {
    it('sets a new password hash', () =>
      given(customer, registered, passwordSet)
        .when({ type: 'SetPassword', passwordHash: 'hash-2' })
        .then({ type: 'PasswordSet', data: { customerId: 'c1', passwordHash: 'hash-2' } }));
    it('changes nothing for the same hash', () =>
      given(customer, registered, passwordSet)
        .when({ type: 'SetPassword', passwordHash: 'hash-1' })
        .thenNothing());
    it('rejects an unknown customer', () =>
      given(customer).when({ type: 'SetPassword', passwordHash: 'h' }).thenRejects('NOT_FOUND'));
  });

  describe('GrantRoles', () => {
    it('grants only the roles not held yet', () =>
      given(customer, registered, passwordSet)
        .when({ type: 'GrantRoles', roles: ['customer', 'admin', 'analyst', 'admin'] })
        .then({ type: 'RolesGranted', data: { customerId: 'c1', roles: ['admin', 'analyst'] } }));
    it('changes nothing when every role is held', () =>
      given(customer, registered, passwordSet)
        .when({ type: 'GrantRoles', roles: ['customer'] })
        .thenNothing());
    it('changes nothing for roles granted earlier', () =>
      given(customer, registered, passwordSet, {
        type: 'RolesGranted',
        data: { customerId: 'c1', roles: ['ops'] },
      })
        .when({ type: 'GrantRoles', roles: ['ops', 'customer'] })
        .thenNothing());
    it('rejects an unknown customer', () =>
      given(customer)
        .when({ type: 'GrantRoles', roles: ['admin'] })
        .thenRejects('NOT_FOUND'));
  });

  it('folds the history into the current state', () => {
    const { state } = given(
      customer,
      registered,
      passwordSet,
      { type: 'ProfileChanged', data: { customerId: 'c1', name: 'Ada L.' } },
      { type: 'RolesGranted', data: { customerId: 'c1', roles: ['admin'] } },
      { type: 'PasswordSet', data: { customerId: 'c1', passwordHash: 'hash-2' } },
    );
    expect(state).toMatchObject({
      status: 'registered',
      name: 'Ada L.',
      roles: ['customer', 'admin'],
      passwordHash: 'hash-2',
    });
  });

  describe('views', () => {
    it('shows the profile without the password hash', () => {
      const { state } = given(customer, registered, passwordSet);
      expect(customerProfile(state)).toEqual(profile);
      expect(JSON.stringify(customerProfile(state))).not.toContain('hash-1');
      expect(passwordHashOf(state)).toBe('hash-1');
    });
    it('shows nothing of an unknown customer', () => {
      const { state } = given(customer);
      expect(customerProfile(state)).toBeUndefined();
      expect(passwordHashOf(state)).toBeUndefined();
    });
  });
});
