import {
  fold,
  MAX_TOKEN_LENGTH,
  prefixesOf,
  prefixesOfAll,
  sorted,
  textTerms,
  tokenize,
} from '../../../src/projections/search/tokenizer.js';

/** The sorted distinct words of some texts and their prefixes, as a search document holds them. */
const indexText = (texts: readonly string[]) => {
  const terms = textTerms(texts);
  return { terms: sorted(terms), prefixes: sorted(prefixesOfAll(terms)) };
};

describe('search tokenizer', () => {
  it('folds case, accents and compatibility forms', () => {
    expect(fold('Crème BRÛLÉE')).toBe('creme brulee');
    expect(fold('ＵＳＢ ﬁle Ångström İstanbul Straße')).toBe('usb file angstrom istanbul strasse');
    expect(fold('ÑANDÚ')).toBe(fold('ñandu'));
  });

  it('keeps kana voicing marks, which make a different word', () => {
    expect(fold('デジタル')).toBe('デジタル');
    expect(fold('ガ')).not.toBe(fold('カ'));
  });

  it('splits words at spaces, punctuation, hyphens, apostrophes and underscores', () => {
    expect(tokenize("Crème brûlée, USB-C; l’été don't foo_bar 3.5mm")).toEqual([
      'creme',
      'brulee',
      'usb',
      'c',
      'l',
      'ete',
      'don',
      't',
      'foo',
      'bar',
      '3.5mm',
    ]);
  });

  it('gives each distinct word once, in order of first appearance', () => {
    expect(tokenize('Red red RED réd blue')).toEqual(['red', 'blue']);
  });

  it('splits Chinese and Japanese, which have no spaces, into words', () => {
    expect(tokenize('无线蓝牙耳机')).toEqual(['无线', '蓝牙', '耳机']);
    expect(tokenize('蓝牙耳机')).toEqual(['蓝牙', '耳机']);
    expect(tokenize('東京都の天気')).toEqual(['東京', '都', 'の', '天気']);
    expect(tokenize('한국어 키보드')).toEqual(['한국어', '키보드']);
  });

  it('drops what is not a word', () => {
    expect(tokenize('  -- !!! ... 🛒 ')).toEqual([]);
    expect(tokenize('')).toEqual([]);
  });

  it('cuts very long words', () => {
    const [token] = tokenize('x'.repeat(500));
    expect(token).toHaveLength(MAX_TOKEN_LENGTH);
  });

  it('gives the prefixes of at least two characters, and the word itself', () => {
    expect(prefixesOf('laptop')).toEqual(['laptop', 'la', 'lap', 'lapt', 'lapto']);
    expect(prefixesOf('c')).toEqual(['c']);
  });

  it('gives CJK words every prefix and every single character', () => {
    expect(prefixesOf('耳机').sort()).toEqual(['机', '耳', '耳机']);
    expect(prefixesOf('蓝牙耳机').sort()).toEqual(
      ['蓝牙耳机', '蓝', '蓝牙', '蓝牙耳', '牙', '耳', '机'].sort(),
    );
    // Characters outside the BMP stay whole.
    expect(prefixesOf('𠀀𠀁')).toEqual(['𠀀𠀁', '𠀀', '𠀁']);
  });

  it('indexes several texts as sorted distinct terms and prefixes', () => {
    expect(indexText(['Laptop Pro', 'lap'])).toEqual({
      terms: ['lap', 'laptop', 'pro'],
      prefixes: ['la', 'lap', 'lapt', 'lapto', 'laptop', 'pr', 'pro'],
    });
  });

  it('never joins the end of one text and the start of the next into a word', () => {
    expect(indexText(['Laptop', 'Pro', "don'", 't', 'a_', '_b']).terms).toEqual([
      'a',
      'b',
      'don',
      'laptop',
      'pro',
      't',
    ]);
    expect(indexText(['蓝牙', '耳机']).terms).toEqual(['耳机', '蓝牙']);
  });

  it('gives the same prefixes however many distinct words it has seen', () => {
    const words = Array.from({ length: 60_000 }, (_, i) => `w${i.toString(36)}x`);
    for (let i = 0; i < words.length; i += 500) {
      const chunk = words.slice(i, i + 500);
      const expected = new Set(chunk.flatMap(prefixesOf));
      expect(indexText([chunk.join(' ')]).prefixes).toEqual([...expected].sort());
    }
    expect(indexText([words[3]!]).prefixes).toEqual([...prefixesOf(words[3]!)].sort());
  });

  it('is deterministic', () => {
    const text = 'Écouteurs sans fil 无线蓝牙耳机 Bluetooth 5.3';
    expect(indexText([text])).toEqual(indexText([text]));
  });
});
