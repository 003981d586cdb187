import { customerAggregate, passwordHashOf } from '../../commands/customer.js';
import type { CommandHandler } from '../../commands/command-handler.js';
import { uniqueClaimAggregate, uniqueStream } from '../../commands/unique-claim.js';
import type { Clock } from '../../events/envelope.js';
import { customerStream } from '../../events/customer.js';
import { newEventId } from '../../events/event-ids.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { STAFF_ROLES } from './principal.js';

const actor = { actor: 'system:staff-bootstrap' };

/**
 * Creates the staff account, or brings an existing one up to date: it holds
 * the admin, analyst and ops roles and the given password.
 */
export async function ensureStaffAccount(
  handler: CommandHandler,
  clock: Clock,
  email: string,
  password: string,
): Promise<string> {
  const address = email.trim().toLowerCase();
  const claimStream = uniqueStream('email', address);
  const claim = (await handler.load(uniqueClaimAggregate, claimStream)).state;
  const customerId = claim.status === 'claimed' ? claim.ownerId : newEventId();
  if (claim.status === 'free') {
    await handler.handle(
      uniqueClaimAggregate,
      claimStream,
      {
        type: 'Claim',
        kind: 'email',
        value: address,
        ownerId: customerId,
        takenCode: 'EMAIL_TAKEN',
      },
      actor,
    );
  }
  const stream = customerStream(customerId);
  const { state } = await handler.load(customerAggregate, stream);
  if (state.status === 'absent') {
    await handler.handle(
      customerAggregate,
      stream,
      {
        type: 'Register',
        customerId,
        email: address,
        name: 'Staff',
        passwordHash: await hashPassword(password),
        roles: [...STAFF_ROLES],
        registeredAt: clock().toISOString(),
      },
      actor,
    );
    return customerId;
  }
  const current = passwordHashOf(state);
  if (!current || !(await verifyPassword(password, current))) {
    await handler.handle(
      customerAggregate,
      stream,
      { type: 'SetPassword', passwordHash: await hashPassword(password) },
      actor,
    );
  }
  await handler.handle(
    customerAggregate,
    stream,
    { type: 'GrantRoles', roles: [...STAFF_ROLES] },
    actor,
  );
  return customerId;
}
