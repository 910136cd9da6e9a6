import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countWords, normalizeText } from '../../src/pipeline/normalize/index.js';

/** normalizeText as first written: every pass always run. The one-scan shortcut must agree with it. */
function referenceNormalize(s: string): string {
  return s
    .normalize('NFC')
    .replace(/[\u200b\u2060\ufeff\u00ad]/g, '')
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]/g, '')
    .replace(/\r\n?|[\u0085\u2028\u2029]/g, '\n')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Letters, every character class the passes treat specially, and decomposed accents. */
const PIECES = [
  'a', 'b', 'é', 'e\u0301', '\u1100\u1161', '東', ' ', '  ', '\n', '\n\n', '\n\n\n', '\t', '\r', '\r\n', '\u00a0',
  '\u2009', '\u3000', '\u2028', '\u2029', '\u0085', '\u200b', '\u2060', '\ufeff', '\u00ad', '\u200d', '\u200c',
  '\u0000', '\u0007', '\u000b', '\u000c', '\u001f', '\u007f', '\u009f', '\u0301',
];

describe('normalizeText shortcut for text already in normal form', () => {
  it.each([
    ['already normal', 'One paragraph.\n\nTwo\nlines.'],
    ['leading space', ' a'],
    ['trailing line feed', 'a\n'],
    ['double space inside', 'a  b'],
    ['space before a line feed', 'a \nb'],
    ['three line feeds', 'a\n\n\nb'],
    ['decomposed accent', 'Cafe\u0301'],
    ['soft hyphen', 'hy\u00adphen'],
    ['NBSP', 'a\u00a0b'],
  ])('agrees with every pass run: %s', (_name, text) => {
    expect(normalizeText(text)).toBe(referenceNormalize(text));
  });

  it('agrees with every pass run on arbitrary text', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        expect(normalizeText(text)).toBe(referenceNormalize(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees on any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => {
      expect(normalizeText(text)).toBe(referenceNormalize(text));
    }), { numRuns: 2000 });
  });
});

/** countWords' word pattern as first written, with a lookahead per character instead of a set difference. */
const DENSE = String.raw`\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\u30fc`;
const LOOKAHEAD_WORD_CHAR = String.raw`(?:(?![${DENSE}])[\p{L}\p{M}\p{N}])`;
const REFERENCE_WORD = new RegExp(
  String.raw`[${DENSE}]|${LOOKAHEAD_WORD_CHAR}+(?:(?:['’]|(?<=\p{N})[.,:](?=\p{N}))${LOOKAHEAD_WORD_CHAR}+)*`,
  'gu',
);

const WORD_PIECES = [
  'a', 'Z', 'é', 'e\u0301', '\u0301', '7', '٣', '½', '東', 'ひ', 'カ', 'ー', '한', 'я', '𝐀', '😀', "'", '’', '.', ',', ':', '-', ' ', '\n', '_',
];

describe('countWords', () => {
  it('counts as the lookahead pattern did', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...WORD_PIECES), { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        expect(countWords(text)).toBe(text.match(REFERENCE_WORD)?.length ?? 0);
      }),
      { numRuns: 3000 },
    );
  });
});
