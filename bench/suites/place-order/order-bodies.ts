/** Varied POST /v1/orders bodies, reproducible from a seed. */

/** mulberry32: a small, fast, seedable PRNG; good enough to vary request bodies. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const NAMES = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra', 'Barbara Liskov'];
const CITIES = ['London', 'Paris', 'Berlin', 'Madrid', 'Rome', 'Vienna', 'Lisbon'];

/**
 * `count` JSON bodies, each with 1-3 distinct random products, quantities 1-3,
 * a varying shipping address and the card token that is always captured.
 */
export function orderBodies(productIds: readonly string[], count: number, seed: number): string[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return Array.from({ length: count }, (_, i) => {
    const lineCount = 1 + Math.floor(random() * 3);
    const chosen = new Set<string>();
    while (chosen.size < Math.min(lineCount, productIds.length)) chosen.add(pick(productIds));
    return JSON.stringify({
      lines: [...chosen].map((productId) => ({
        productId,
        quantity: 1 + Math.floor(random() * 3),
      })),
      shippingAddress: {
        name: pick(NAMES),
        line1: `${1 + (i % 250)} Benchmark Street`,
        city: pick(CITIES),
        postalCode: String(10_000 + Math.floor(random() * 90_000)),
        country: 'GB',
      },
      payment: { method: 'card', token: 'tok_visa' },
    });
  });
}
