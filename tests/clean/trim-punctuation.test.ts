import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldPhrase, trimPunctuation } from '../../src/pipeline/clean/block-text.js';

/** The pattern trimPunctuation replaced. */
const reference = (text: string): string => text.replace(/^[\s\p{P}\p{S}]+|(?<![\s\p{P}\p{S}])[\s\p{P}\p{S}]+$/gu, '');

describe('trimPunctuation', () => {
  it.each([
    ['a label with a colon', 'Share:', 'Share'],
    ['bars around', '| Print |', 'Print'],
    ['a triangle and a space', '▲ Top', 'Top'],
    ['emoji at both ends', '😀 Follow us 👉', 'Follow us'],
    ['only punctuation', ' -- | -- ', ''],
    ['a combining mark is kept', '\u0301abc', '\u0301abc'],
    ['a lone surrogate is kept', '\ud800abc!', '\ud800abc'],
  ])('%s', (_name, text, expected) => {
    expect(trimPunctuation(text)).toBe(expected);
    expect(reference(text)).toBe(expected);
  });

  it('agrees with the pattern on generated text', () => {
    const pieces = ['a', 'Z', '7', ' ', '\u00a0', '\t', '\u0007', '\u007f', '!', '_', '$', '|', '·', '•', '▲', '»', '«', '—', '😀', '👉', '\ud800', '\udc00', '\u0301', '東', 'é', '\ufeff', '\u2028'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 25 }), (parts) => {
        const text = parts.join('');
        expect(trimPunctuation(text)).toBe(reference(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('is what foldPhrase folds', () => {
    expect(foldPhrase('  »  Back   To TOP «')).toBe('back to top');
  });
});
