import { z } from 'zod';
import type { CommandContext, CommandResult } from '../../commands/command-result.js';
import { productAggregate, type ProductCommand } from '../../commands/product.js';
import { uniqueClaimAggregate, uniqueStream } from '../../commands/unique-claim.js';
import { AppError } from '../../errors.js';
import { productStream } from '../../events/product.js';
import type { ApiDeps } from '../api-deps.js';
import { route, type RouteContext, type RouteDeps } from '../route.js';
import { commandAnswer, idParams, money, text } from '../schemas.js';

export const ADMIN = ['admin'] as const;

const sku = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'letters, digits and . _ / - only');
const attributes = z
  .record(text(100), z.string().trim().max(1000))
  .refine((a) => Object.keys(a).length <= 100, 'at most 100 attributes');
const description = z.string().trim().max(10_000);

/** SKUs are unique regardless of case: "ab-1" and "AB-1" are the same SKU. */
export const skuKey = (value: string) => value.trim().toUpperCase();

const productAnswer = commandAnswer.extend({ productId: z.string(), revision: z.number() });

/** The product's state and revision, or 404 when it was never created. */
export async function existingProduct(deps: ApiDeps, productId: string) {
  const loaded = await deps.handler.load(productAggregate, productStream(productId));
  if (loaded.state.status === 'absent') throw new AppError('NOT_FOUND', 'No such product');
  return { state: loaded.state, revision: loaded.revision };
}

/**
 * The position to answer a command with: its last event's, or, when it
 * changed nothing, that of the stream's last event (what a reader waits for).
 */
export async function positionOf(
  deps: ApiDeps,
  streamId: string,
  result: CommandResult,
): Promise<string | undefined> {
  if (result.position !== undefined) return result.position;
  const [last] = await deps.eventStore.readStream(streamId, { direction: 'backwards', limit: 1 });
  return last?.position;
}

/**
 * Claims a unique value for a new owner and returns the owner id. A claim
 * whose owner never got created (a crash between the two appends) is reused;
 * a claim held by another existing owner is refused with `takenCode`.
 */
export async function claimUnique(
  deps: Pick<ApiDeps, 'handler'>,
  claim: {
    readonly kind: string;
    readonly value: string;
    readonly takenCode: string;
    readonly newOwnerId: string;
    readonly ownerExists: (ownerId: string) => Promise<boolean>;
  },
  context: CommandContext,
): Promise<string> {
  const streamId = uniqueStream(claim.kind, claim.value);
  const { state } = await deps.handler.load(uniqueClaimAggregate, streamId);
  if (state.status === 'claimed') {
    // Our own claim (a repeat of a keyed request that got this far) is no conflict.
    if (state.ownerId === claim.newOwnerId) return state.ownerId;
    if (await claim.ownerExists(state.ownerId)) {
      throw new AppError(claim.takenCode, `${claim.kind} ${claim.value} is already taken`);
    }
    return state.ownerId;
  }
  const { kind, value, takenCode, newOwnerId: ownerId } = claim;
  await deps.handler.handle(
    uniqueClaimAggregate,
    streamId,
    { type: 'Claim', kind, value, ownerId, takenCode },
    context,
  );
  return ownerId;
}

export function catalogRoutes(r: RouteDeps, deps: ApiDeps): void {
  route(r, {
    method: 'post',
    path: '/v1/products',
    summary: 'Create a product',
    tag: 'catalog',
    access: ADMIN,
    body: z.strictObject({
      sku,
      name: text(200),
      description,
      category: text(100),
      price: money,
      attributes: attributes.optional(),
    }),
    responses: {
      201: { description: 'Created', schema: commandAnswer.extend({ productId: z.string() }) },
    },
    async handle({ body, newId, command }) {
      const productId = await claimUnique(
        deps,
        {
          kind: 'sku',
          value: skuKey(body.sku),
          takenCode: 'SKU_TAKEN',
          newOwnerId: newId(),
          ownerExists: async (id) =>
            (await deps.handler.load(productAggregate, productStream(id))).state.status !==
            'absent',
        },
        command('claim-sku'),
      );
      try {
        const result = await deps.handler.handle(
          productAggregate,
          productStream(productId),
          { type: 'CreateProduct', productId, ...body, attributes: body.attributes ?? {} },
          command('create'),
        );
        return {
          status: 201,
          body: { productId, position: result.position },
          revision: result.nextRevision,
          position: result.position,
        };
      } catch (error) {
        // Another request reused the same abandoned claim and created the product first.
        if (error instanceof AppError && error.code === 'PRODUCT_EXISTS') {
          throw new AppError('SKU_TAKEN', `sku ${body.sku} is already taken`);
        }
        throw error;
      }
    },
  });

  const productCommand = <B>(
    method: 'patch' | 'post',
    path: string,
    summary: string,
    body: z.ZodType<B>,
    toCommand: (body: B) => ProductCommand,
  ) =>
    route(r, {
      method,
      path,
      summary,
      tag: 'catalog',
      access: ADMIN,
      params: idParams,
      body,
      responses: { 200: { description: 'Applied', schema: productAnswer } },
      async handle({ params, body, command }: RouteContext<B, undefined, { id: string }>) {
        await existingProduct(deps, params.id);
        const streamId = productStream(params.id);
        const result = await deps.handler.handle(
          productAggregate,
          streamId,
          toCommand(body),
          command('product', { conditional: true }),
        );
        const position = await positionOf(deps, streamId, result);
        return {
          status: 200,
          body: { productId: params.id, revision: result.nextRevision, position },
          revision: result.nextRevision,
          position,
        };
      },
    });

  productCommand(
    'patch',
    '/v1/products/:id',
    'Update a product',
    z
      .strictObject({
        name: text(200).optional(),
        description: description.optional(),
        category: text(100).optional(),
        attributes: attributes.optional(),
      })
      .refine((b) => Object.values(b).some((v) => v !== undefined), {
        message: 'Send at least one of name, description, category, attributes',
      }),
    (body) => ({ type: 'UpdateProduct', ...body }),
  );

  productCommand(
    'post',
    '/v1/products/:id/price',
    'Change the price of a product',
    z.strictObject({ price: money }),
    ({ price }) => ({ type: 'ChangePrice', price }),
  );

  productCommand(
    'post',
    '/v1/products/:id/discontinue',
    'Discontinue a product',
    z.strictObject({}),
    () => ({ type: 'Discontinue' }),
  );
}
