import { recommendationsProjection } from '../../../src/projections/recommendations/recommendations-projection.js';
import type { RecordedEvent } from '../../../src/stores/event-store.js';
import type { Doc } from '../../../src/stores/read-store.js';
import { projectFiltered } from '../catalog/project-filtered.js';
import { orderLog } from './order-events.js';

const project = (events: readonly RecordedEvent[], initial?: ReadonlyMap<string, Doc>) =>
  projectFiltered(recommendationsProjection, events, initial);

/** Documents without `_position`, for comparing content. */
const contents = (docs: ReadonlyMap<string, Doc>) =>
  new Map([...docs].map(([key, { _position: _, ...doc }]) => [key, doc]));

const together = (productId: string, counts: Record<string, number>) => ({
  _id: productId,
  productId,
  together: Object.entries(counts).map(([id, count]) => ({ productId: id, count })),
});

describe('recommendations projection', () => {
  it('keeps the basket of a placed order until it is confirmed', () => {
    const o = orderLog();
    expect(project([o.placed('o1', ['b', 'a', 'b'])])).toEqual(
      new Map([
        [
          'recommendations_orders/o1',
          { _id: 'o1', _position: '1', status: 'placed', productIds: ['a', 'b'], counted: [] },
        ],
      ]),
    );
  });

  it('counts each pair of products of a confirmed order in both products’ documents', () => {
    const o = orderLog();
    const docs = project(o.bought('o1', ['a', 'b', 'c']));
    expect(contents(docs)).toEqual(
      new Map([
        ['recommendations/a', together('a', { b: 1, c: 1 })],
        ['recommendations/b', together('b', { a: 1, c: 1 })],
        ['recommendations/c', together('c', { a: 1, b: 1 })],
      ]),
    );
    expect(docs.get('recommendations/c')?._position).toBe('7'); // c's commit
  });

  it('ranks products by how often they were bought together, ties by id', () => {
    const o = orderLog();
    const docs = project([
      ...o.bought('o1', ['a', 'b', 'c']),
      ...o.bought('o2', ['a', 'c']),
      ...o.bought('o3', ['d', 'a']),
    ]);
    expect(contents(docs).get('recommendations/a')).toEqual(together('a', { c: 2, b: 1, d: 1 }));
    expect(contents(docs).get('recommendations/d')).toEqual(together('d', { a: 1 }));
  });

  it('keeps nothing for an order of one product', () => {
    const o = orderLog();
    expect(project(o.bought('o1', ['a', 'a']))).toEqual(new Map());
  });

  it('forgets an order rejected before any of its stock was committed', () => {
    const o = orderLog();
    expect(project([o.placed('o1', ['a', 'b']), o.rejected('o1')])).toEqual(new Map());
  });

  it('takes back the sales of an order rejected after some were counted', () => {
    const o = orderLog();
    const events = [
      ...o.bought('o0', ['a', 'b']),
      o.placed('o1', ['a', 'b']),
      o.committed('a', 'o1', 1),
      o.rejected('o1'),
    ];
    const voided = project(events);
    expect(contents(voided).get('recommendations/a')).toEqual(together('a', { b: 2 }));
    expect(contents(voided).get('recommendations_orders/o1')).toEqual({
      _id: 'o1',
      status: 'void',
      productIds: ['a', 'b'],
      counted: ['a'],
    });
    const settled = project([o.returned('a', 'o1', 1)], voided);
    expect(contents(settled)).toEqual(
      new Map([
        ['recommendations/a', together('a', { b: 1 })],
        ['recommendations/b', together('b', { a: 1 })],
      ]),
    );
  });

  it('does not count stock committed after the order was cancelled', () => {
    const o = orderLog();
    const docs = project([
      o.placed('o1', ['a', 'b']),
      o.cancelled('o1', false),
      o.committed('a', 'o1', 1),
      o.returned('a', 'o1', 1),
    ]);
    expect(docs).toEqual(new Map());
  });

  it('still counts an order cancelled after confirmation', () => {
    const o = orderLog();
    const bought = project(o.bought('o1', ['a', 'b']));
    const cancelled = project(
      [o.cancelled('o1', true), o.returned('a', 'o1', 1), o.returned('b', 'o1', 1)],
      bought,
    );
    expect(contents(cancelled)).toEqual(contents(bought));
  });

  it('names the basket, and for stock events the product', () => {
    const o = orderLog();
    expect(recommendationsProjection.keys(o.confirmed('o1'))).toEqual([
      { collection: 'recommendations_orders', id: 'o1' },
    ]);
    expect(recommendationsProjection.keys(o.committed('p1', 'o1', 2))).toEqual([
      { collection: 'recommendations_orders', id: 'o1' },
      { collection: 'recommendations', id: 'p1' },
    ]);
  });

  it('folding the same events twice gives the same documents', () => {
    const o = orderLog();
    const events = [
      ...o.bought('o1', ['a', 'b', 'c']),
      o.placed('o2', ['a', 'b']),
      o.committed('b', 'o2', 1),
      o.rejected('o2'),
      o.placed('o3', ['c', 'd']),
      o.committed('c', 'o3', 1),
      o.returned('b', 'o2', 1),
      o.cancelled('o1', true),
    ];
    const once = project(events);
    expect(project(events, once)).toEqual(once);
  });
});
