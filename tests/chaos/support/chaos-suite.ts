import { chaosSeed, chaosSize } from './chaos-config.js';
import { runChaos, type ChaosOutcome, type ChaosPlan } from './chaos-run.js';

const shown = (violations: readonly string[], count = 15) =>
  violations.length > count
    ? [...violations.slice(0, count), `... and ${violations.length - count} more`]
    : violations;

/**
 * Declares one chaos run and an assertion per invariant. The seed is in every
 * test name, so a failure names it; CHAOS_SEED=<seed> replays the run.
 */
export function describeChaos(title: string, servers: ChaosPlan['servers']): void {
  const size = chaosSize();
  const seed = chaosSeed();
  const label = `${title} (seed ${seed}, ${size.name}; replay with CHAOS_SEED=${seed})`;

  describe(label, () => {
    let outcome: ChaosOutcome;

    beforeAll(
      async () => {
        outcome = await runChaos({ size, seed, servers });
        process.stdout.write(`chaos ${title}: ${JSON.stringify(outcome.report)}\n`);
      },
      size.name === 'full' ? 1_200_000 : 240_000,
    );

    it('ran the load through the kills: orders and other commands were acknowledged', () => {
      const { kills, acknowledged } = outcome.report;
      expect(kills).toBeGreaterThanOrEqual(size.kills);
      expect(acknowledged.order ?? 0).toBeGreaterThan(size.kills);
      expect(Object.keys(acknowledged).length).toBeGreaterThanOrEqual(6);
    });

    it('answered every well-formed request with 2xx or an expected business refusal', () => {
      expect(shown(outcome.violations.http)).toEqual([]);
    });

    it("has every acknowledged command's effect in the log, where its answer said", () => {
      expect(shown(outcome.violations.acks)).toEqual([]);
    });

    it('decided every placed order and kept each lifecycle valid', () => {
      expect(shown(outcome.violations.orders)).toEqual([]);
    });

    it('keeps onHand - reserved = available >= 0 per product, equal to its events folded here', () => {
      expect(shown(outcome.violations.inventory)).toEqual([]);
    });

    it('never redeemed a coupon past its maxRedemptions', () => {
      expect(shown(outcome.violations.coupons)).toEqual([]);
    });

    it('moved money exactly as the payment streams say: no double charge, refunds within captures', () => {
      expect(shown(outcome.violations.money)).toEqual([]);
    });

    it('has read models equal to a fresh rebuild from the log', () => {
      expect(shown(outcome.violations.readModels, 5)).toEqual([]);
    });

    it('stops cleanly after the chaos', () => {
      expect(outcome.violations.shutdown).toEqual([]);
    });
  });
}
