import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldWhitespace } from '../../src/pipeline/content/dom.js';

/** foldWhitespace as first written, replacing every whitespace run: the shortcut must agree. */
const referenceFold = (text: string): string => text.replace(/[\s\u200b\ufeff]+/g, ' ').trim();

describe('foldWhitespace', () => {
  it.each([
    ['folded already', 'A plain sentence.', 'A plain sentence.'],
    ['two spaces', 'A  b', 'A b'],
    ['line feed and tab', 'A\n\tb', 'A b'],
    ['zero-width space beside a space', 'A \u200bb', 'A b'],
    ['BOM', 'A\ufeffb', 'A b'],
    ['edges', ' A ', 'A'],
  ])('%s', (_name, text, expected) => {
    expect(foldWhitespace(text)).toBe(expected);
    expect(foldWhitespace(text)).toBe(referenceFold(text));
  });

  it('agrees with replacing every whitespace run', () => {
    const pieces = ['a', 'B', ' ', '  ', '\t', '\n', '\r', '\u00a0', '\u2009', '\u3000', '\u200b', '\ufeff', '\u200d', '.'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        expect(foldWhitespace(text)).toBe(referenceFold(text));
      }),
      { numRuns: 3000 },
    );
  });
});
