import { toCsv } from '../../../src/projections/sales/csv.js';

describe('toCsv', () => {
  it('writes a header and one CRLF-terminated record per row, in column order', () => {
    const rows = [
      { period: '2026-03-01', currency: 'EUR', orders: 2, net: -50 },
      { period: '2026-03-02', currency: 'USD', orders: 0, net: 0 },
    ];
    expect(toCsv(rows, ['period', 'currency', 'orders', 'net'])).toBe(
      'period,currency,orders,net\r\n2026-03-01,EUR,2,-50\r\n2026-03-02,USD,0,0\r\n',
    );
  });

  it('quotes fields with commas, quotes, CR or LF, doubling quotes (RFC 4180)', () => {
    const rows = [
      { name: 'Desk, oak', category: 'say "hi"' },
      { name: 'two\nlines', category: 'cr\rhere' },
      { name: ' spaced ', category: '日本語の本' },
    ];
    expect(toCsv(rows, ['name', 'category'])).toBe(
      'name,category\r\n' +
        '"Desk, oak","say ""hi"""\r\n' +
        '"two\nlines","cr\rhere"\r\n' +
        ' spaced ,日本語の本\r\n',
    );
  });

  it('writes absent values as empty fields and objects as JSON', () => {
    const rows = [{ a: undefined, b: null, c: { amount: 1, currency: 'EUR' }, d: true }];
    expect(toCsv(rows, ['a', 'b', 'c', 'd'])).toBe(
      'a,b,c,d\r\n,,"{""amount"":1,""currency"":""EUR""}",true\r\n',
    );
  });

  it('writes only the header when there are no rows', () => {
    expect(toCsv<{ x: number }>([], ['x'])).toBe('x\r\n');
  });
});
