import { searchProjection } from '../../../src/projections/search/search-projection.js';
import { projectFiltered } from '../catalog/project-filtered.js';
import { eur, productLog } from '../catalog/product-events.js';

describe('search projection', () => {
  it('indexes a product’s words and their prefixes', () => {
    const p = productLog();
    const docs = projectFiltered(searchProjection, [
      p.created(
        'p1',
        {
          sku: 'CB-1',
          name: 'Crème Brûlée',
          description: 'Dessert',
          category: 'Food',
          price: eur(450),
          attributes: { origin: 'France' },
        },
        '2026-01-02T00:00:00.000Z',
      ),
    ]);
    expect(docs).toEqual(
      new Map([
        [
          'search/p1',
          {
            _id: 'p1',
            _position: '1',
            status: 'active',
            productId: 'p1',
            sku: 'CB-1',
            name: 'Crème Brûlée',
            description: 'Dessert',
            category: 'Food',
            price: eur(450),
            attributes: { origin: 'France' },
            createdAt: '2026-01-02T00:00:00.000Z',
            terms: ['1', 'brulee', 'cb', 'creme', 'dessert', 'food', 'france'],
            prefixes: [
              '1',
              'br',
              'bru',
              'brul',
              'brule',
              'brulee',
              'cb',
              'cr',
              'cre',
              'crem',
              'creme',
              'de',
              'des',
              'dess',
              'desse',
              'desser',
              'dessert',
              'fo',
              'foo',
              'food',
              'fr',
              'fra',
              'fran',
              'franc',
              'france',
            ],
            namePrefixes: ['br', 'bru', 'brul', 'brule', 'brulee', 'cr', 'cre', 'crem', 'creme'],
            priceBand: '<10',
            searchKeys: expect.arrayContaining(['5 creme', '3 cre', '3 dessert', '1 des']),
          },
        ],
      ]),
    );
    // Each prefix once, after its score: 5 a name's word, 3 another word or the
    // start of a name's word, 1 the start of another word.
    const keys = docs.get('search/p1')?.searchKeys as string[];
    expect(keys).toHaveLength(25);
    expect(keys.filter((key) => key.startsWith('5 '))).toEqual(['5 brulee', '5 creme']);
    expect(keys.filter((key) => key.startsWith('1 '))).toHaveLength(25 - 2 - 12);
  });

  it('re-indexes on update and follows price and status; stock goes to its own document', () => {
    const p = productLog();
    const docs = projectFiltered(searchProjection, [
      p.created('p1', { name: 'Old name', description: 'kept' }),
      p.updated('p1', { name: 'Laptop' }),
      p.priced('p1', eur(2500), eur(1000)),
      p.received('p1', 10),
      p.reserved('p1', 'o1', 4),
      p.committed('p1', 'o1', 4),
      p.reserved('p1', 'o2', 1),
      p.discontinued('p1'),
    ]);
    const doc = docs.get('search/p1');
    expect(doc).toMatchObject({
      name: 'Laptop',
      description: 'kept',
      price: eur(2500),
      priceBand: '10-50',
      status: 'discontinued',
      namePrefixes: ['la', 'lap', 'lapt', 'lapto', 'laptop'],
    });
    expect(doc?.terms).toEqual(expect.arrayContaining(['laptop', 'kept']));
    expect(doc?.terms).not.toContain('old');
    expect(doc).not.toHaveProperty('available');
    expect(docs.get('search_stock/p1')).toEqual({ _id: 'p1', _position: '7', available: 5 });
  });

  it('keeps stock seen before the product exists, and never finds it alone', () => {
    const p = productLog();
    const before = projectFiltered(searchProjection, [
      p.received('p1', 3),
      p.reservationFailed('p1', 'o1', 9),
    ]);
    expect(before.get('search/p1')).toBeUndefined();
    expect(before.get('search_stock/p1')).toEqual({ _id: 'p1', _position: '1', available: 3 });
    const after = projectFiltered(searchProjection, [p.created('p1')], before);
    expect(after.get('search/p1')).toMatchObject({ status: 'active', productId: 'p1' });
    expect(after.get('search_stock/p1')).toEqual({ _id: 'p1', _position: '1', available: 3 });
  });

  it('leaves the search document alone when only stock changes', () => {
    const p = productLog();
    const created = projectFiltered(searchProjection, [p.created('p1')]);
    const after = projectFiltered(
      searchProjection,
      [p.received('p1', 4), p.reserved('p1', 'o1', 1)],
      created,
    );
    expect(after.get('search/p1')).toBe(created.get('search/p1'));
    expect(after.get('search_stock/p1')).toMatchObject({ available: 3 });
  });

  it('folding the same events twice gives the same documents', () => {
    const p = productLog();
    const events = [
      p.created('p1', { name: '无线蓝牙耳机' }),
      p.received('p1', 10),
      p.updated('p1', { description: 'Bluetooth 5.3' }),
      p.reserved('p1', 'o1', 2),
      p.released('p1', 'o1', 2),
      p.created('p2'),
      p.discontinued('p2'),
    ];
    const once = projectFiltered(searchProjection, events);
    expect(projectFiltered(searchProjection, events, once)).toEqual(once);
  });
});
