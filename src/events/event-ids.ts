import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

export const newEventId = (): string => uuidv7();

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
