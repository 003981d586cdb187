import type { ProductDetails } from '../../../src/projections/catalog/catalog-doc.js';
import { searchIndexFields } from '../../../src/projections/search/search-doc.js';
import { prefixesOf, tokenize } from '../../../src/projections/search/tokenizer.js';

const product = (
  name: string,
  description: string,
  category: string,
  attributes: Record<string, string>,
): ProductDetails => ({
  productId: 'p1',
  sku: 'SKU-0042',
  name,
  description,
  category,
  price: { amount: 1_999, currency: 'EUR' },
  attributes,
  createdAt: '2026-01-01T00:00:00.000Z',
});

const distinctSorted = (values: string[]) => [...new Set(values)].sort();

describe('searchIndexFields', () => {
  it.each([
    product('Crème Brûlée Torch', "A chef's torch for crème brûlée", 'kitchen', { colour: 'Red' }),
    product('无线蓝牙耳机 Pro', '蓝牙耳机, wireless', 'audio', { brand: 'Ｓｏｎｉｃ' }),
    product('Lap', 'laptop lapel lap', 'computers', { size: 'XL', fit: 'l’été' }),
    product('x'.repeat(50), '', 'tools', {}),
  ])('keeps every word and prefix of its texts, each prefix keyed by its score (%#)', (p) => {
    const texts = [p.name, p.description, p.category, p.sku, ...Object.values(p.attributes)];
    const terms = distinctSorted(texts.flatMap(tokenize));
    const prefixes = distinctSorted(terms.flatMap(prefixesOf));
    const namePrefixes = distinctSorted(tokenize(p.name).flatMap(prefixesOf));
    const searchKeys = prefixes.map((prefix) => {
      const score = (terms.includes(prefix) ? 3 : 1) + (namePrefixes.includes(prefix) ? 2 : 0);
      return `${score} ${prefix}`;
    });
    expect(searchIndexFields(p)).toEqual({ terms, prefixes, namePrefixes, searchKeys });
  });
});
