import { describe, expect, it } from 'vitest';
import { countWords, joinParagraphs, normalizeText } from '../../src/pipeline/normalize/index.js';
import type { Block } from '../../src/pipeline/types.js';

describe('normalizeText', () => {
  const cases: Array<[string, string, string]> = [
    ['trims and folds spaces', '  a   b\t\tc  ', 'a b c'],
    ['folds NBSP, thin, em and ideographic spaces', 'a\u00a0b\u2009c\u2003d\u3000e\u202ff', 'a b c d e f'],
    ['removes zero-width space, word joiner, BOM and soft hyphen', 'ze\u200bro\u2060 wi\ufeffdth hy\u00adphen', 'zero width hyphen'],
    ['keeps ZWJ in emoji and ZWNJ in Persian', '👩\u200d💻 می\u200cخواهم', '👩\u200d💻 می\u200cخواهم'],
    ['composes to NFC', 'Cafe\u0301 \u1100\u1161', 'Café 가'],
    ['removes control characters', 'a\u0000b\u0007c\u009fd', 'abcd'],
    ['keeps one line break', 'one\ntwo', 'one\ntwo'],
    ['collapses blank lines to one', 'one\n\n\n\n two', 'one\n\ntwo'],
    ['treats whitespace-only lines as blank', 'one\n \u00a0 \n\t\ntwo', 'one\n\ntwo'],
    ['turns CRLF, CR, NEL and separators into line feeds', 'a\r\nb\rc\u0085d\u2028e\u2029f', 'a\nb\nc\nd\ne\nf'],
    ['trims lines', 'a  \n   b', 'a\nb'],
    ['empty stays empty', ' \n\u200b\t ', ''],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(normalizeText(input)).toBe(expected);
    expect(normalizeText(expected)).toBe(expected);
  });
});

describe('joinParagraphs', () => {
  const cases: Array<{ name: string; blocks: Block[]; expected: string }> = [
    {
      name: 'paragraphs one blank line apart, each folded to one line',
      blocks: [
        { tag: 'h2', text: ' Heading ', html: '' },
        { tag: 'p', text: 'First\nparagraph  here.', html: '' },
        { tag: 'p', text: 'Second.', html: '' },
      ],
      expected: 'Heading\n\nFirst paragraph here.\n\nSecond.',
    },
    {
      name: 'list items one per line, empty items dropped',
      blocks: [
        { tag: 'p', text: 'Intro:', html: '' },
        { tag: 'ul', text: 'one\n \ntwo\u00a0 items\nthree', html: '' },
      ],
      expected: 'Intro:\n\none\ntwo items\nthree',
    },
    {
      name: 'figures and captions left out, empty blocks skipped',
      blocks: [
        { tag: 'p', text: 'Body one.', html: '' },
        { tag: 'figure', text: '', html: '', image: { url: 'https://e.com/i.jpg', caption: 'A photo', credit: null } },
        { tag: 'p', text: 'A photo (AFP)', html: '', caption: true },
        { tag: 'p', text: ' \u200b ', html: '' },
        { tag: 'p', text: 'Body two.', html: '' },
      ],
      expected: 'Body one.\n\nBody two.',
    },
    {
      name: 'a quote of several paragraphs keeps a line each',
      blocks: [{ tag: 'blockquote', text: 'Line one.\nLine two.', html: '' }],
      expected: 'Line one.\nLine two.',
    },
    { name: 'no blocks, no text', blocks: [], expected: '' },
  ];
  it.each(cases)('$name', ({ blocks, expected }) => {
    const text = joinParagraphs(blocks);
    expect(text).toBe(expected);
    expect(normalizeText(text)).toBe(text);
  });
});

describe('countWords', () => {
  const cases: Array<[string, number]> = [
    ['', 0],
    ['  ', 0],
    ['One two three.', 3],
    ["Don't split l'homme or it’s", 5],
    ['U.S. GDP grew 2.5% in 2024', 7],
    ['state-of-the-art', 4],
    ['서울 한국 정부는 오늘 발표했다.', 5],
    ['東京の天気', 5],
    ['北京市政府', 5],
    ['カタカナー and English', 7],
    ['Москва объявила о мерах', 4],
    ['नमस्ते दुनिया', 2],
    ['— … ** ##', 0],
  ];
  it.each(cases)('%j has %i words', (text, expected) => {
    expect(countWords(text)).toBe(expected);
  });
});
