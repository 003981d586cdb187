import { AppError } from '../errors.js';
import type { ReviewEvent, ReviewSubmitted } from '../events/review.js';
import type { Aggregate } from './decider.js';

// State

export type ReviewState =
  { readonly status: 'absent' } | ({ readonly status: 'submitted' } & ReviewSubmitted['data']);

export function evolveReview(_state: ReviewState, event: ReviewEvent): ReviewState {
  switch (event.type) {
    case 'ReviewSubmitted':
      return { status: 'submitted', ...event.data };
  }
}

// Commands

export type ReviewCommand = {
  readonly type: 'SubmitReview';
  /** Whether the customer has a delivered order of the product, looked up by the caller. */
  readonly hasDeliveredOrder: boolean;
} & ReviewSubmitted['data'];

export function decideReview(command: ReviewCommand, state: ReviewState): ReviewEvent[] {
  switch (command.type) {
    case 'SubmitReview': {
      if (state.status !== 'absent') {
        throw new AppError('ALREADY_REVIEWED', 'This product has already been reviewed by you');
      }
      const { type: _, hasDeliveredOrder, title, ...review } = command;
      if (!hasDeliveredOrder) {
        throw new AppError(
          'REVIEW_NOT_ALLOWED',
          'Only customers with a delivered order of a product may review it',
        );
      }
      if (!Number.isInteger(review.rating) || review.rating < 1 || review.rating > 5) {
        throw new AppError('INVALID_RATING', 'A rating is a whole number from 1 to 5');
      }
      if (review.body.trim() === '') {
        throw new AppError('INVALID_REVIEW', 'A review needs a body');
      }
      const hasTitle = title !== undefined && title.trim() !== '';
      return [{ type: 'ReviewSubmitted', data: { ...review, ...(hasTitle ? { title } : {}) } }];
    }
    default: {
      const _exhaustive: never = command.type;
      return _exhaustive;
    }
  }
}

export const reviewAggregate: Aggregate<ReviewState, ReviewCommand, ReviewEvent> = {
  category: 'review',
  decider: { initialState: { status: 'absent' }, decide: decideReview, evolve: evolveReview },
};
