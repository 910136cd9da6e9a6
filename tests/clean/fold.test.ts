import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold } from '../../src/pipeline/clean/block-text.js';

/** fold as first written, replacing every whitespace run: the shortcut for folded text must agree. */
const referenceFold = (text: string): string => text.replace(/\s+/g, ' ').trim().toLowerCase();

describe('fold', () => {
  it.each([
    ['folded already', 'Share this story', 'share this story'],
    ['two spaces', 'Share  this', 'share this'],
    ['tab and line feed', 'Share\tthis\nstory', 'share this story'],
    ['NBSP', 'Share\u00a0this', 'share this'],
    ['edges', '  Share ', 'share'],
  ])('%s', (_name, text, expected) => {
    expect(fold(text)).toBe(expected);
    expect(fold(text)).toBe(referenceFold(text));
  });

  it('agrees with replacing every whitespace run', () => {
    const pieces = ['a', 'B', 'É', ' ', '  ', '\t', '\n', '\r', '\u00a0', '\u2009', '\u3000', '\u200b', '\ufeff', '.', 'İ'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        expect(fold(text)).toBe(referenceFold(text));
      }),
      { numRuns: 3000 },
    );
  });
});
