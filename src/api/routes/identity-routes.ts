import { z } from 'zod';
import { customerAggregate, customerProfile, passwordHashOf } from '../../commands/customer.js';
import { uniqueClaimAggregate, uniqueStream } from '../../commands/unique-claim.js';
import { AppError } from '../../errors.js';
import { customerStream } from '../../events/customer.js';
import type { ApiDeps } from '../api-deps.js';
import { decoyHash, hashPassword, verifyPassword } from '../auth/passwords.js';
import { route, type RouteDeps } from '../route.js';
import { text } from '../schemas.js';

const email = z
  .email()
  .max(254)
  .transform((e) => e.trim().toLowerCase());
const password = z.string().min(8).max(200);

export const normaliseEmail = (value: string) => value.trim().toLowerCase();

/** Finds the customer id that holds an email, if any. */
export async function customerIdByEmail(
  deps: ApiDeps,
  address: string,
): Promise<string | undefined> {
  const { state } = await deps.handler.load(uniqueClaimAggregate, uniqueStream('email', address));
  return state.status === 'claimed' ? state.ownerId : undefined;
}

export function identityRoutes(r: RouteDeps, deps: ApiDeps): void {
  route(r, {
    method: 'post',
    path: '/v1/auth/register',
    summary: 'Register a customer account',
    tag: 'identity',
    access: 'anyone',
    body: z.strictObject({ email, password, name: text(200) }),
    responses: { 201: { description: 'Registered', schema: z.object({ customerId: z.string() }) } },
    async handle({ body, newId, command }) {
      const mine = newId();
      const owner = await customerIdByEmail(deps, body.email);
      const customerId = owner ?? mine;
      if (owner === undefined) {
        await deps.handler.handle(
          uniqueClaimAggregate,
          uniqueStream('email', body.email),
          {
            type: 'Claim',
            kind: 'email',
            value: body.email,
            ownerId: customerId,
            takenCode: 'EMAIL_TAKEN',
          },
          command('claim-email'),
        );
      } else if (owner !== mine) {
        // Claimed by another request: taken, unless its owner never got registered.
        const { state } = await deps.handler.load(customerAggregate, customerStream(owner));
        if (state.status !== 'absent')
          throw new AppError('EMAIL_TAKEN', 'That email is already registered');
      }
      try {
        const result = await deps.handler.handle(
          customerAggregate,
          customerStream(customerId),
          {
            type: 'Register',
            customerId,
            email: body.email,
            name: body.name,
            passwordHash: await hashPassword(body.password),
            roles: ['customer'],
            registeredAt: deps.clock().toISOString(),
          },
          command('register'),
        );
        return {
          status: 201,
          body: { customerId, position: result.position },
          position: result.position,
        };
      } catch (error) {
        if (error instanceof AppError && error.code === 'CUSTOMER_EXISTS') {
          throw new AppError('EMAIL_TAKEN', 'That email is already registered');
        }
        throw error;
      }
    },
  });

  route(r, {
    method: 'post',
    path: '/v1/auth/login',
    summary: 'Sign in and get an access token',
    tag: 'identity',
    access: 'anyone',
    body: z.strictObject({ email, password: z.string().min(1).max(200) }),
    responses: {
      200: {
        description: 'Signed in',
        schema: z.object({
          accessToken: z.string(),
          tokenType: z.literal('Bearer'),
          expiresIn: z.number(),
          roles: z.array(z.string()),
        }),
      },
    },
    async handle({ body, req }) {
      const client = req.ip ?? 'unknown';
      await deps.loginLimiter.check(body.email, client);
      const customerId = await customerIdByEmail(deps, body.email);
      const state = customerId
        ? (await deps.handler.load(customerAggregate, customerStream(customerId))).state
        : undefined;
      const hash = state ? passwordHashOf(state) : undefined;
      const valid = await verifyPassword(body.password, hash ?? (await decoyHash));
      const profile = state ? customerProfile(state) : undefined;
      if (!valid || !hash || !profile) {
        await deps.loginLimiter.failed(body.email, client);
        throw new AppError('INVALID_CREDENTIALS', 'Wrong email or password');
      }
      await deps.loginLimiter.succeeded(body.email, client);
      const accessToken = await deps.tokens.issue({ id: profile.customerId, roles: profile.roles });
      return {
        status: 200,
        body: {
          accessToken,
          tokenType: 'Bearer',
          expiresIn: deps.tokens.expiresInSeconds,
          roles: profile.roles,
        },
      };
    },
  });

  route(r, {
    method: 'get',
    path: '/v1/me',
    summary: 'The signed-in account',
    tag: 'identity',
    access: 'signedIn',
    responses: { 200: { description: 'Profile' } },
    async handle({ principal }) {
      const { state, revision } = await deps.handler.load(
        customerAggregate,
        customerStream(principal?.id ?? ''),
      );
      const profile = customerProfile(state);
      if (!profile) throw new AppError('NOT_FOUND', 'No such account');
      return { status: 200, body: profile, revision };
    },
  });
}
