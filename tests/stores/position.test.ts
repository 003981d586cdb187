import fc from 'fast-check';
import {
  InvalidPositionError,
  comparePositions,
  isPosition,
  parsePosition,
} from '../../src/stores/position.js';

/** The order worked out with BigInts: commit, then prepare (a single number is both). */
function byNumbers(a: string, b: string): number {
  const numbers = (position: string) => {
    const [commit = '', prepare = commit] = position.split('/');
    return [BigInt(commit), BigInt(prepare)] as const;
  };
  const [[ac, ap], [bc, bp]] = [numbers(a), numbers(b)];
  if (ac !== bc) return ac < bc ? -1 : 1;
  if (ap !== bp) return ap < bp ? -1 : 1;
  return 0;
}

const MAX = 10n ** 20n - 1n;
/** Small numbers (so equal ones and equal lengths are common) and ones up to 20 digits. */
const number = fc.oneof(fc.bigInt({ min: 0n, max: 999n }), fc.bigInt({ min: 0n, max: MAX }));
/** A number's digits, at times padded with leading zeros (still at most 20 digits). */
const digits = fc
  .tuple(number, fc.nat({ max: 20 }), fc.boolean())
  .map(([n, width, padded]) => (padded ? n.toString().padStart(width, '0') : n.toString()));
const position = fc.oneof(
  digits,
  fc.tuple(digits, digits).map(([commit, prepare]) => `${commit}/${prepare}`),
);

const INVALID = [
  '',
  'x',
  '-1',
  '+1',
  '1.5',
  '1e3',
  '0x10',
  ' 1',
  '1 ',
  '1/',
  '/1',
  '1/2/3',
  '1'.repeat(21),
  `7/${'1'.repeat(21)}`,
  '\u0663', // Arabic-Indic three
  '\uff11', // fullwidth one
];

const thrown = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
};

describe('positions', () => {
  it('parses single numbers and commit/prepare pairs', () => {
    expect(parsePosition('42')).toEqual([42n, 42n]);
    expect(parsePosition('007')).toEqual([7n, 7n]);
    expect(parsePosition('1024/7')).toEqual([1024n, 7n]);
    expect(parsePosition('9'.repeat(20))).toEqual([MAX, MAX]);
    for (const invalid of INVALID) expect(isPosition(invalid)).toBe(false);
  });

  it('orders plain decimals by their value, not their text', () => {
    expect(comparePositions('9', '10')).toBe(-1);
    expect(comparePositions('100', '99')).toBe(1);
    expect(comparePositions('123456', '123456')).toBe(0);
    expect(comparePositions('0', '1')).toBe(-1);
  });

  it('orders leading zeros and pairs by their numbers', () => {
    expect(comparePositions('010', '9')).toBe(1);
    expect(comparePositions('007', '7')).toBe(0);
    expect(comparePositions('7', '7/7')).toBe(0);
    expect(comparePositions('7', '7/8')).toBe(-1);
    expect(comparePositions('10/5', '9/9')).toBe(1);
  });

  it('agrees with comparing the numbers as BigInts', () => {
    fc.assert(
      fc.property(position, position, (a, b) => {
        expect(comparePositions(a, b)).toBe(byNumbers(a, b));
        expect(comparePositions(b, a)).toBe(byNumbers(b, a));
        expect(comparePositions(a, a)).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses an invalid position on either side, naming it', () => {
    for (const invalid of INVALID) {
      for (const run of [
        () => comparePositions(invalid, '1'),
        () => comparePositions('1', invalid),
      ]) {
        const error = thrown(run);
        expect(error).toBeInstanceOf(InvalidPositionError);
        expect((error as InvalidPositionError).position).toBe(invalid);
      }
    }
    expect((thrown(() => comparePositions('x', 'y')) as InvalidPositionError).position).toBe('x');
  });

  it('compares exactly the strings isPosition accepts', () => {
    const candidate = fc.oneof(
      position,
      fc.string({ maxLength: 24 }),
      fc.stringMatching(/^\d{0,22}$/),
    );
    fc.assert(
      fc.property(candidate, (text) => {
        if (isPosition(text)) expect(comparePositions(text, '5')).toBe(byNumbers(text, '5'));
        else expect(() => comparePositions(text, '5')).toThrow(InvalidPositionError);
      }),
      { numRuns: 2000 },
    );
  });
});
