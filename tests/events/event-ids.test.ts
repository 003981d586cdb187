import { validate, version } from 'uuid';
import { derivedEventId, newEventId } from '../../src/events/event-ids.js';

describe('event ids', () => {
  it('derives valid, deterministic v7 ids that keep the seed time', () => {
    const seed = newEventId();
    const ids = Array.from({ length: 50 }, (_, i) => derivedEventId(seed, i));
    for (const id of ids) {
      expect(validate(id)).toBe(true);
      expect(version(id)).toBe(7);
      expect(id.slice(0, 13)).toBe(seed.slice(0, 13));
    }
    expect(new Set(ids).size).toBe(50);
    expect(derivedEventId(seed, 3)).toBe(ids[3]);
    expect(derivedEventId(newEventId(), 3)).not.toBe(ids[3]);
  });

  it('makes strictly increasing v7 ids, also within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => newEventId());
    for (const id of ids) expect(version(id)).toBe(7);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses a seed that is not a UUID', () => {
    expect(() => derivedEventId('nope', 0)).toThrow(TypeError);
  });
});
