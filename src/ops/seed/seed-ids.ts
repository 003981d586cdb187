import { v7 as uuidv7 } from 'uuid';
import type { Random } from './random.js';
import type { SimulatedClock } from './simulated-clock.js';

/**
 * UUID v7 ids stamped with the simulated time and filled from the seeded
 * generator: time-ordered like the engine's own ids, and the same for the same
 * seed.
 */
export function seededIds(clock: SimulatedClock, random: Random): () => string {
  let lastMs = -1;
  let sequence = 0;
  return () => {
    const msecs = clock.time;
    if (msecs > lastMs) {
      lastMs = msecs;
      sequence = random.int(0, 0x3fffffff);
    } else sequence += 1;
    return uuidv7({ msecs: lastMs, seq: sequence, random: random.bytes(16) });
  };
}
