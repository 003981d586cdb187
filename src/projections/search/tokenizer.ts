/**
 * Search text analysis, shared by indexing and querying so both sides agree.
 * Pure: the same text always gives the same tokens (for one ICU version).
 *
 * Words come from Intl.Segmenter with the root locale, whose dictionary also
 * splits Chinese and Japanese, which have no spaces. Tokens are folded:
 * compatibility forms (full-width letters, ligatures) to plain ones, accents
 * dropped, lower case.
 */

/** Longer tokens are cut to this many characters, bounding the prefixes one word adds. */
export const MAX_TOKEN_LENGTH = 40;
/** Prefixes shorter than this are indexed only for CJK words and one-character words. */
export const MIN_PREFIX_LENGTH = 2;

const words = new Intl.Segmenter('und', { granularity: 'word' });
// Kana voicing marks change the word (か/が), so they are kept and recomposed, unlike accents.
const accents = /(?![\u3099\u309A])\p{M}/gu;
// Apostrophes join words ("l’été", "don't"); underscores join identifiers.
const joiners = /['’ʼ_]+/u;
const cjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/** Case- and accent-folded text: "Crème ＢRÛLÉE" -> "creme brulee". */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(accents, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .normalize('NFC');
}

/** The distinct folded words of a text, in order of first appearance. */
export function tokenize(text: string): string[] {
  const tokens = new Set<string>();
  for (const segment of words.segment(fold(text))) {
    if (!segment.isWordLike) continue;
    for (const part of segment.segment.split(joiners)) {
      if (part !== '') tokens.add(truncate(part));
    }
  }
  return [...tokens];
}

export const isCjk = (token: string): boolean => cjk.test(token);

/**
 * What a query token may be to find this term: the term itself and each of
 * its prefixes of at least two characters; for CJK words, where one
 * character is often a word, also the one-character prefix and every CJK
 * character on its own.
 */
export function prefixesOf(term: string): string[] {
  const chars = Array.from(term);
  const min = isCjk(term) ? 1 : MIN_PREFIX_LENGTH;
  const prefixes = new Set<string>([term]);
  for (let n = min; n < chars.length; n++) prefixes.add(chars.slice(0, n).join(''));
  for (const char of chars) if (isCjk(char)) prefixes.add(char);
  return [...prefixes];
}

/**
 * The distinct words of some texts. They are segmented as one text, a line
 * apart: a line break always ends a word, so no word spans two of them, and
 * one pass of the segmenter is cheaper than one per text.
 */
export const textTerms = (texts: readonly string[]): Set<string> =>
  new Set(tokenize(texts.join('\n')));

/** The distinct prefixes (`prefixesOf`) of some terms. */
export function prefixesOfAll(terms: Iterable<string>): Set<string> {
  const prefixes = new Set<string>();
  for (const term of terms) for (const prefix of knownPrefixes(term)) prefixes.add(prefix);
  return prefixes;
}

// Shop texts reuse a small vocabulary: a word's prefixes are worked out once
// (the cache is emptied when it fills, bounding its memory).
const MAX_CACHED_TERMS = 50_000;
const prefixCache = new Map<string, readonly string[]>();

function knownPrefixes(term: string): readonly string[] {
  let prefixes = prefixCache.get(term);
  if (prefixes === undefined) {
    if (prefixCache.size >= MAX_CACHED_TERMS) prefixCache.clear();
    prefixes = prefixesOf(term);
    prefixCache.set(term, prefixes);
  }
  return prefixes;
}

/** In UTF-16 code unit order, as `<` compares strings. */
export const sorted = (values: Iterable<string>): string[] => [...values].sort();

function truncate(token: string): string {
  if (token.length <= MAX_TOKEN_LENGTH) return token;
  return Array.from(token).slice(0, MAX_TOKEN_LENGTH).join('');
}
