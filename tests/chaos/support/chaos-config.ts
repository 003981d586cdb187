/** How big a chaos run is: `CHAOS_SIZE=full` for the long run, small by default (CI). */
export interface ChaosSize {
  readonly name: 'small' | 'full';
  /** SIGKILLs of the (killable) server during the load. */
  readonly kills: number;
  /** Concurrent HTTP clients. */
  readonly clients: number;
  /** Time a server runs before it is killed, drawn uniformly from this range (ms). */
  readonly upMs: readonly [number, number];
  readonly customers: number;
  readonly products: number;
}

const SIZES: Record<ChaosSize['name'], ChaosSize> = {
  small: { name: 'small', kills: 4, clients: 8, upMs: [1000, 2500], customers: 5, products: 5 },
  full: { name: 'full', kills: 28, clients: 16, upMs: [2500, 9000], customers: 16, products: 8 },
};

export function chaosSize(env: NodeJS.ProcessEnv = process.env): ChaosSize {
  return env.CHAOS_SIZE === 'full' ? SIZES.full : SIZES.small;
}

/** `CHAOS_SEED` replays a run; otherwise a fresh seed, printed with every failure. */
export function chaosSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.CHAOS_SEED;
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isSafeInteger(seed)) throw new Error(`CHAOS_SEED must be an integer, not ${given}`);
    return seed;
  }
  return Math.floor(Math.random() * 2 ** 31);
}
