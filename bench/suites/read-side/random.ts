const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Seeded randomness, so every run generates the same log and asks the same queries. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1) (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** A whole number in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A whole number in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }

  /** Picks by weight: `weights[i]` is the relative chance of index i. */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((a, b) => a + b, 0);
    let left = this.next() * total;
    for (const [i, w] of weights.entries()) {
      left -= w;
      if (left < 0) return i;
    }
    return weights.length - 1;
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) {
      const n = this.int(0x1_0000_0000);
      out += `${HEX[n >>> 24]}${HEX[(n >>> 16) & 255]}${HEX[(n >>> 8) & 255]}${HEX[n & 255]}`;
    }
    return out.length === length ? out : out.slice(0, length);
  }
}

/**
 * Ranks 0..n-1 drawn with probability proportional to 1/(rank+1)^s: a few
 * products sell a lot, most a little (a long tail), as in real shops.
 */
export class Zipf {
  private readonly cdf: Float64Array;

  constructor(n: number, s: number) {
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      sum += 1 / (k + 1) ** s;
      this.cdf[k] = sum;
    }
    for (let k = 0; k < n; k++) this.cdf[k] = (this.cdf[k] ?? 0) / sum;
  }

  sample(random: Random): number {
    const u = random.next();
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cdf[mid] ?? 1) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** A UUID v7 for the time `ms` with seeded random bits (ids look like the engine's). */
export function uuidV7(ms: number, random: Random): string {
  const time = Math.floor(ms).toString(16).padStart(12, '0');
  const rand = random.hex(19);
  const variant = (8 + random.int(4)).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${rand.slice(0, 3)}-${variant}${rand.slice(3, 6)}-${rand.slice(6, 18)}`;
}
