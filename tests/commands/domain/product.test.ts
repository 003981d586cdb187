import { productAggregate as product } from '../../../src/commands/product.js';
import type { ProductEvent } from '../../../src/events/product.js';
import { given } from '../../support/given-when-then.js';

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const details = {
  sku: 'LAP-1',
  name: 'Laptop',
  description: 'A light laptop',
  category: 'computers',
  price: eur(99900),
  attributes: { colour: 'silver' },
};
const created: ProductEvent = { type: 'ProductCreated', data: { productId: 'p1', ...details } };
const discontinued: ProductEvent = { type: 'ProductDiscontinued', data: { productId: 'p1' } };

describe('product decider', () => {
  describe('CreateProduct', () => {
    it('creates a product', () =>
      given(product)
        .when({ type: 'CreateProduct', productId: 'p1', ...details })
        .then(created));
    it('rejects creating it twice', () =>
      given(product, created)
        .when({ type: 'CreateProduct', productId: 'p1', ...details })
        .thenRejects('PRODUCT_EXISTS'));
    it('rejects a negative or fractional price', () => {
      given(product)
        .when({ type: 'CreateProduct', productId: 'p1', ...details, price: eur(-1) })
        .thenRejects('INVALID_PRICE');
      given(product)
        .when({ type: 'CreateProduct', productId: 'p1', ...details, price: eur(1.5) })
        .thenRejects('INVALID_PRICE');
    });
  });

  describe('UpdateProduct', () => {
    it('records only the fields that change', () =>
      given(product, created)
        .when({ type: 'UpdateProduct', name: 'Laptop Pro', category: 'computers' })
        .then({ type: 'ProductUpdated', data: { productId: 'p1', name: 'Laptop Pro' } }));
    it('changes nothing when nothing differs', () =>
      given(product, created).when({ type: 'UpdateProduct', name: 'Laptop' }).thenNothing());
    it('rejects an unknown product', () =>
      given(product).when({ type: 'UpdateProduct', name: 'x' }).thenRejects('NOT_FOUND'));
    it('rejects a discontinued product', () =>
      given(product, created, discontinued)
        .when({ type: 'UpdateProduct', name: 'x' })
        .thenRejects('INVALID_TRANSITION'));
  });

  describe('ChangePrice', () => {
    it('changes the price, remembering the previous one', () =>
      given(product, created)
        .when({ type: 'ChangePrice', price: eur(89900) })
        .then({
          type: 'PriceChanged',
          data: { productId: 'p1', price: eur(89900), previous: eur(99900) },
        }));
    it('changes nothing for the same price', () =>
      given(product, created)
        .when({ type: 'ChangePrice', price: eur(99900) })
        .thenNothing());
    it('rejects an invalid price, an unknown or a discontinued product', () => {
      given(product, created)
        .when({ type: 'ChangePrice', price: eur(-5) })
        .thenRejects('INVALID_PRICE');
      given(product)
        .when({ type: 'ChangePrice', price: eur(1) })
        .thenRejects('NOT_FOUND');
      given(product, created, discontinued)
        .when({ type: 'ChangePrice', price: eur(1) })
        .thenRejects('INVALID_TRANSITION');
    });
  });

  describe('Discontinue', () => {
    it('discontinues an active product', () =>
      given(product, created).when({ type: 'Discontinue' }).then(discontinued));
    it('rejects discontinuing twice or an unknown product', () => {
      given(product, created, discontinued)
        .when({ type: 'Discontinue' })
        .thenRejects('INVALID_TRANSITION');
      given(product).when({ type: 'Discontinue' }).thenRejects('NOT_FOUND');
    });
  });

  it('folds the history into the current state', () => {
    const { state } = given(
      product,
      created,
      { type: 'PriceChanged', data: { productId: 'p1', price: eur(5), previous: eur(99900) } },
      discontinued,
    );
    expect(state).toMatchObject({ status: 'discontinued', price: eur(5), name: 'Laptop' });
  });
});
