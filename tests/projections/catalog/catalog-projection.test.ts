import { catalogProjection } from '../../../src/projections/catalog/catalog-projection.js';
import { projectFiltered } from './project-filtered.js';
import { eur, productLog } from './product-events.js';

const project = (events: Parameters<typeof projectFiltered>[1]) =>
  projectFiltered(catalogProjection, events);

describe('catalog projection', () => {
  it('creates a product with empty counters, created at the event time', () => {
    const p = productLog();
    const events = [
      p.created(
        'p1',
        {
          sku: 'LAP-1',
          name: 'Laptop',
          description: 'Thin',
          category: 'computers',
          price: eur(99900),
          attributes: { colour: 'silver' },
        },
        '2026-02-03T04:05:06.000Z',
      ),
    ];
    expect(project(events)).toEqual(
      new Map([
        [
          'catalog/p1',
          {
            _id: 'p1',
            _position: '1',
            productId: 'p1',
            sku: 'LAP-1',
            name: 'Laptop',
            description: 'Thin',
            category: 'computers',
            price: eur(99900),
            attributes: { colour: 'silver' },
            status: 'active',
            createdAt: '2026-02-03T04:05:06.000Z',
            onHand: 0,
            reserved: 0,
            available: 0,
            rating: 0,
            reviewCount: 0,
            ratingTotal: 0,
            unitsSold: 0,
          },
        ],
      ]),
    );
  });

  it('applies updates, price changes and discontinuation', () => {
    const p = productLog();
    const docs = project([
      p.created('p1', { name: 'Old', attributes: { a: '1' } }),
      p.updated('p1', { name: 'New', category: 'toys', attributes: { b: '2' } }),
      p.priced('p1', eur(1500), eur(1000)),
      p.discontinued('p1'),
    ]);
    expect(docs.get('catalog/p1')).toMatchObject({
      name: 'New',
      description: '',
      category: 'toys',
      attributes: { b: '2' },
      price: eur(1500),
      status: 'discontinued',
      _position: '4',
    });
  });

  it('keeps stock levels and units sold from inventory events', () => {
    const p = productLog();
    const docs = project([
      p.created('p1'),
      p.received('p1', 10),
      p.adjusted('p1', -2),
      p.reserved('p1', 'o1', 3),
      p.reserved('p1', 'o2', 2),
      p.reservationFailed('p1', 'o3', 50),
      p.released('p1', 'o2', 2),
      p.committed('p1', 'o1', 3),
      p.reserved('p1', 'o4', 1),
    ]);
    expect(docs.get('catalog/p1')).toMatchObject({
      onHand: 5,
      reserved: 1,
      available: 4,
      unitsSold: 3,
    });
    const afterReturn = projectFiltered(catalogProjection, [p.returned('p1', 'o1', 3)], docs);
    expect(afterReturn.get('catalog/p1')).toMatchObject({
      onHand: 8,
      reserved: 1,
      available: 7,
      unitsSold: 0,
    });
  });

  it('a failed reservation writes nothing', () => {
    const p = productLog();
    const docs = project([p.created('p1'), p.reservationFailed('p1', 'o1', 5)]);
    expect(docs.get('catalog/p1')?._position).toBe('1');
  });

  it('averages review ratings to two decimals', () => {
    const p = productLog();
    const docs = project([
      p.created('p1'),
      p.reviewed('p1', 'c1', 5),
      p.reviewed('p1', 'c2', 4),
      p.reviewed('p1', 'c3', 4),
    ]);
    expect(docs.get('catalog/p1')).toMatchObject({
      rating: 4.33,
      reviewCount: 3,
      ratingTotal: 13,
    });
  });

  it('keeps counters seen before the product exists in a pending document', () => {
    const p = productLog();
    const before = project([p.received('p1', 4), p.reviewed('p1', 'c1', 3), p.updated('p1', {})]);
    expect(before.get('catalog/p1')).toEqual({
      _id: 'p1',
      _position: '2',
      status: 'pending',
      productId: 'p1',
      onHand: 4,
      reserved: 0,
      available: 4,
      rating: 3,
      reviewCount: 1,
      ratingTotal: 3,
      unitsSold: 0,
    });
    const after = projectFiltered(catalogProjection, [p.created('p1', { name: 'Late' })], before);
    expect(after.get('catalog/p1')).toMatchObject({
      status: 'active',
      name: 'Late',
      onHand: 4,
      available: 4,
      rating: 3,
      reviewCount: 1,
    });
  });

  it('ignores product changes for unknown products and events without a product', () => {
    const p = productLog();
    const events = [
      p.updated('p1', { name: 'x' }),
      p.priced('p1', eur(1), eur(2)),
      p.discontinued('p1'),
      p.log('product-x', 'ProductCreated', { name: 'no id' }),
    ];
    expect(project(events)).toEqual(new Map());
    expect(catalogProjection.keys(events[3]!)).toEqual([]);
  });

  it('names the product document for every event', () => {
    const p = productLog();
    expect(catalogProjection.keys(p.reviewed('p9', 'c1', 5))).toEqual([
      { collection: 'catalog', id: 'p9' },
    ]);
  });

  it('folding the same events twice gives the same documents', () => {
    const p = productLog();
    const events = [
      p.created('p1'),
      p.received('p1', 10),
      p.reserved('p1', 'o1', 2),
      p.committed('p1', 'o1', 2),
      p.reviewed('p1', 'c1', 4),
      p.priced('p1', eur(1200), eur(1000)),
      p.received('p2', 1),
      p.created('p2'),
      p.discontinued('p2'),
    ];
    const once = project(events);
    expect(projectFiltered(catalogProjection, events, once)).toEqual(once);
  });
});
