import type { AppendOutcome, AppendRequest } from '../../../src/stores/sqlite/writer-protocol.js';
import {
  decodeAppends,
  decodeOutcomes,
  encodeAppends,
  encodeOutcomes,
} from '../../../src/stores/sqlite/writer-wire.js';

const requests: AppendRequest[] = [
  {
    streamId: 'order-1',
    expectedRevision: 'no_stream',
    events: [{ eventId: 'a', type: 'OrderPlaced', data: '{"total":1}', metadata: '{}' }],
  },
  { streamId: 'cart-2', expectedRevision: 'any', events: [] },
  {
    streamId: 'product-ü漢字😀',
    expectedRevision: 'exists',
    events: [
      { eventId: 'b', type: 'ProductRenamed', data: '{"name":"café 😀 漢字"}', metadata: '' },
      { eventId: 'c', type: '', data: '"\\u0000\\n"', metadata: '{"x":"\u2028"}' },
    ],
  },
  {
    streamId: 'inventory-3',
    expectedRevision: 2 ** 40,
    events: [{ eventId: 'd', type: 'StockReserved', data: 'null', metadata: '{}' }],
  },
  { streamId: '', expectedRevision: 0, events: [] },
];

const decodeAll = (groups: Iterable<Parameters<typeof decodeAppends>[0]>) => {
  const decoded: { id: number; request: AppendRequest }[] = [];
  for (const group of groups) decodeAppends(group, (id, request) => decoded.push({ id, request }));
  return decoded;
};

describe('writer wire format', () => {
  const withIds = requests.map((request, i) => ({ id: 100 + i, request }));

  it('carries a group of appends unchanged, unicode and every expected revision included', () => {
    const groups = [...encodeAppends(withIds)];
    expect(groups).toHaveLength(1);
    expect(decodeAll(groups)).toEqual(withIds);
  });

  it('splits a large group into several messages that decode to the same appends', () => {
    const groups = [...encodeAppends(withIds, 10)];
    // A message closes once it holds 10 characters or more; appends are never cut.
    expect(groups.map((g) => g.text.length)).toEqual([32, 6 + 69, 31, 0]);
    expect(decodeAll(groups)).toEqual(withIds);
  });

  it('encodes nothing for an empty group', () => {
    expect([...encodeAppends([])]).toEqual([]);
  });

  it('carries every kind of outcome with its id', () => {
    const outcomes: AppendOutcome[] = [
      { kind: 'appended', nextRevision: 0, position: 1 },
      { kind: 'conflict', actual: 'no_stream' },
      { kind: 'conflict', actual: 7 },
      { kind: 'failed', message: 'disk full ✗' },
      { kind: 'appended', nextRevision: 2 ** 40, position: 2 ** 52 },
      { kind: 'failed', message: 'second' },
    ];
    const ids = outcomes.map((_, i) => i * 3);
    const decoded = [...decodeOutcomes(encodeOutcomes(ids, outcomes))];
    expect(decoded).toEqual(outcomes.map((outcome, i) => ({ id: ids[i], outcome })));
  });
});
