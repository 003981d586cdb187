import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';
import type { DomainEvent } from '../events/envelope.js';
import type { Aggregate } from './decider.js';

/**
 * A value that only one owner may hold (an email, a SKU, a coupon code): one
 * stream per value, claimed with an expected revision, so two concurrent
 * claims cannot both win.
 */
export type UniqueClaimed = DomainEvent<
  'UniqueValueClaimed',
  { readonly kind: string; readonly value: string; readonly ownerId: string }
>;

export type UniqueClaimState =
  { readonly status: 'free' } | { readonly status: 'claimed'; readonly ownerId: string };

export type ClaimCommand = {
  readonly type: 'Claim';
  readonly kind: string;
  readonly value: string;
  readonly ownerId: string;
  readonly takenCode: string;
};

export const uniqueClaimAggregate: Aggregate<UniqueClaimState, ClaimCommand, UniqueClaimed> = {
  category: 'unique',
  decider: {
    initialState: { status: 'free' },
    decide(command, state) {
      if (state.status === 'claimed') {
        if (state.ownerId === command.ownerId) return [];
        throw new AppError(command.takenCode, `${command.kind} ${command.value} is already taken`);
      }
      return [
        {
          type: 'UniqueValueClaimed',
          data: { kind: command.kind, value: command.value, ownerId: command.ownerId },
        },
      ];
    },
    evolve: (_state, event) => ({ status: 'claimed', ownerId: event.data.ownerId }),
  },
};

export const uniqueStream = (kind: string, value: string) =>
  `unique-${kind}_${createHash('sha256').update(value).digest('hex').slice(0, 40)}`;
