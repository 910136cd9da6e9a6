import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trimBreaks } from '../../src/pipeline/content/block-writer.js';

/** The pattern trimBreaks replaced, on markup whose whitespace is already folded to single spaces. */
const reference = (html: string): string => html.replace(/^(?:\s|<br>)+|(?<!\s|<br>)(?:\s|<br>)+$/g, '');

describe('trimBreaks', () => {
  it.each([
    ['nothing to trim', 'a <b>b</b> c', 'a <b>b</b> c'],
    ['spaces and breaks at both ends', ' <br> <br>a<br>b <br> ', 'a<br>b'],
    ['only breaks', '<br><br> <br>', ''],
    ['a broken break stays', '<br a<br', '<br a<br'],
    ['empty', '', ''],
  ])('%s', (_name, html, expected) => {
    expect(trimBreaks(html)).toBe(expected);
    expect(reference(html)).toBe(expected);
  });

  it('agrees with the pattern on generated markup', () => {
    const pieces = [' ', '<br>', '<br', 'br>', 'a', '<b>', '</b>', '<', '>', 'é'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), (parts) => {
        const html = parts.join('').replace(/\s+/g, ' ');
        expect(trimBreaks(html)).toBe(reference(html));
      }),
      { numRuns: 3000 },
    );
  });
});
