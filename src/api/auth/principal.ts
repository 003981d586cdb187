import type { Role } from '../../events/customer.js';

/** Who is calling, from a verified access token. */
export interface Principal {
  readonly id: string;
  readonly roles: readonly Role[];
}

export const STAFF_ROLES: readonly Role[] = ['admin', 'analyst', 'ops'];

export const isStaff = (principal: Principal) =>
  principal.roles.some((r) => STAFF_ROLES.includes(r));
