import { reviewAggregate as review } from '../../../src/commands/review.js';
import { reviewStream, type ReviewEvent } from '../../../src/events/review.js';
import { given } from '../../support/given-when-then.js';

const submittedAt = '2025-02-01T12:00:00.000Z';
const submission = {
  reviewId: 'r1',
  productId: 'p1',
  customerId: 'c1',
  rating: 4,
  title: 'Solid',
  body: 'Light and fast.',
  submittedAt,
};
const submit = { type: 'SubmitReview' as const, ...submission, hasDeliveredOrder: true };
const submitted: ReviewEvent = { type: 'ReviewSubmitted', data: submission };

describe('review decider', () => {
  describe('SubmitReview', () => {
    it('submits a review', () => given(review).when(submit).then(submitted));
    it('leaves out a missing or blank title', () => {
      const { title: _, ...untitled } = submission;
      given(review)
        .when({ ...submit, title: undefined })
        .then({ type: 'ReviewSubmitted', data: untitled });
      given(review)
        .when({ ...submit, title: '  ' })
        .then({ type: 'ReviewSubmitted', data: untitled });
    });
    it('rejects a second review', () =>
      given(review, submitted)
        .when({ ...submit, reviewId: 'r2', rating: 1 })
        .thenRejects('ALREADY_REVIEWED'));
    it('rejects a customer without a delivered order of the product', () =>
      given(review)
        .when({ ...submit, hasDeliveredOrder: false })
        .thenRejects('REVIEW_NOT_ALLOWED'));
    it('rejects a rating that is not a whole number from 1 to 5', () => {
      for (const rating of [0, 6, 3.5, -1, Number.NaN]) {
        given(review)
          .when({ ...submit, rating })
          .thenRejects('INVALID_RATING');
      }
      given(review)
        .when({ ...submit, rating: 1 })
        .then({ type: 'ReviewSubmitted', data: { ...submission, rating: 1 } });
      given(review)
        .when({ ...submit, rating: 5 })
        .then({ type: 'ReviewSubmitted', data: { ...submission, rating: 5 } });
    });
    it('rejects an empty body', () => {
      given(review)
        .when({ ...submit, body: '' })
        .thenRejects('INVALID_REVIEW');
      given(review)
        .when({ ...submit, body: ' \n ' })
        .thenRejects('INVALID_REVIEW');
    });
  });

  it('folds the review into the state', () => {
    expect(given(review).state).toEqual({ status: 'absent' });
    expect(given(review, submitted).state).toEqual({ status: 'submitted', ...submission });
  });

  it('keeps one stream per product and customer', () => {
    expect(reviewStream('p1', 'c1')).toBe('review-p1-c1');
    expect(review.category).toBe('review');
  });
});
