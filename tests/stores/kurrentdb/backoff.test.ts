import { backoffDelay } from '../../../src/stores/kurrentdb/backoff.js';

describe('subscription backoff', () => {
  const noJitter = () => 0;

  it('doubles from the initial delay up to the cap', () => {
    const options = { initialDelayMs: 100, maxDelayMs: 1000 };
    const delays = [0, 1, 2, 3, 4, 10, 100].map((n) => backoffDelay(n, options, noJitter));
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('takes up to the jitter share off at random', () => {
    const options = { initialDelayMs: 1000, maxDelayMs: 1000, jitter: 0.5 };
    expect(backoffDelay(0, options, () => 0)).toBe(1000);
    expect(backoffDelay(0, options, () => 0.5)).toBe(750);
    expect(backoffDelay(0, options, () => 0.999999)).toBe(500);
  });

  it('stays within bounds with the default random source', () => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const delay = backoffDelay(attempt);
      expect(delay).toBeGreaterThanOrEqual(50);
      expect(delay).toBeLessThanOrEqual(10_000);
    }
  });
});
