import { createHash, randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

const pool = Buffer.allocUnsafe(16 * 256);
let poolOffset = pool.length;

/** 16 random bytes, drawn from a pool refilled 4 KiB at a time (one system call per 256 ids). */
function randomBytes16(): Uint8Array {
  if (poolOffset + 16 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + 16);
  poolOffset += 16;
  return bytes;
}

let lastMs = -Infinity;
let sequence = 0;

/**
 * A UUID v7: time-ordered, and strictly increasing within this process (a
 * counter breaks ties within a millisecond, as RFC 9562 allows), so event ids
 * sort by creation and the log's id index grows at its end.
 */
export function newEventId(): string {
  const now = Date.now();
  const random = randomBytes16();
  if (now > lastMs) {
    lastMs = now;
    sequence = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
  } else {
    sequence = (sequence + 1) | 0;
    if (sequence === 0) lastMs++;
  }
  return uuidv7({ random, msecs: lastMs, seq: sequence });
}

/**
 * A UUID v7 derived from a seed v7 id and an index: it keeps the seed's
 * millisecond timestamp and takes its random bits from a hash, so a retried
 * command produces the same event ids and the store can recognise them.
 */
export function derivedEventId(seed: string, index: number): string {
  const time = seed.replace(/-/g, '').slice(0, 12);
  if (!/^[0-9a-f]{12}$/i.test(time)) throw new TypeError(`Not a UUID: ${seed}`);
  const bytes = createHash('sha256').update(`${seed}:${index}`).digest();
  const random = bytes.subarray(0, 10);
  random[0] = (random[0]! & 0x0f) | 0x70;
  random[2] = (random[2]! & 0x3f) | 0x80;
  const hex = time.toLowerCase() + random.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
