/**
 * The article's `text`: Unicode NFC, whitespace folded, paragraphs one blank line apart, list items
 * one per line, no captions (shared/spec/article.md).
 */
import type { Block } from '../types.js';

/**
 * Invisible characters with no meaning in stored text: zero-width space, word joiner, BOM, soft
 * hyphen. ZWJ and ZWNJ stay: they shape Persian and Indic words and join emoji sequences.
 */
const INVISIBLE = /[\u200b\u2060\ufeff\u00ad]/g;
/** C0 and C1 controls other than tab and line breaks: never text, often scraping debris. */
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]/g;
/** Line breaks of every kind: CR LF, CR, NEL, line and paragraph separators. */
const LINE_BREAK = /\r\n?|[\u0085\u2028\u2029]/g;
/** Whitespace other than a line feed: tab, NBSP, the en/em/thin spaces, ideographic space... */
const INLINE_SPACE = /[^\S\n]+/g;

/**
 * NFC, invisible characters removed, every run of whitespace within a line folded to one space,
 * lines trimmed, blank lines collapsed to one, the whole trimmed. Line breaks are kept as structure
 * (the blank line between paragraphs, the line between list items), so normalizing the output of
 * {@link joinParagraphs} changes nothing; a one-line value such as a title comes out on one line.
 */
export function normalizeText(s: string): string {
  const nfc = s.normalize('NFC');
  // Most input (each paragraph, the joined body, the text again for its hash) is already in normal
  // form: one scan proves it, instead of the seven passes below.
  if (isFolded(nfc)) return nfc;
  const folded = nfc
    .replace(INVISIBLE, '')
    .replace(CONTROL, '')
    .replace(LINE_BREAK, '\n')
    .replace(INLINE_SPACE, ' ');
  return folded
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Anything the passes of {@link normalizeText} after NFC would change: an invisible, control or
 * line-break character, whitespace other than a space or line feed, two spaces, a space beside a
 * line feed, three line feeds. With none of these, only a space or line feed at either end is left.
 */
const NEEDS_FOLDING = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u200b\u2060\ufeff]|[^\S \n]| [ \n]|\n |\n\n\n/;

function isFolded(s: string): boolean {
  if (s === '') return true;
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(s.length - 1);
  if (first === 0x20 || first === 0x0a || last === 0x20 || last === 0x0a) return false;
  return !NEEDS_FOLDING.test(s);
}

/** All whitespace, line breaks included, folded to single spaces: a paragraph's text. */
function foldLine(s: string): string {
  return normalizeText(s).replace(/\n+/g, ' ');
}

/**
 * The body text: each block but figures and captions, one blank line between blocks; lists (and
 * quotes of several paragraphs) keep one line per item.
 */
export function joinParagraphs(blocks: readonly Block[]): string {
  const paragraphs: string[] = [];
  for (const block of blocks) {
    if (block.tag === 'figure' || block.caption === true) continue;
    const text =
      block.tag === 'ul' || block.tag === 'ol' || block.tag === 'blockquote'
        ? block.text
            .split('\n')
            .map(foldLine)
            .filter((line) => line !== '')
            .join('\n')
        : foldLine(block.text);
    if (text !== '') paragraphs.push(text);
  }
  return paragraphs.join('\n\n');
}

/**
 * Chinese characters and kana are counted one per character, since those scripts put no spaces
 * between words (a character is the usual unit of length there); any other run of letters, marks
 * and digits is one word, with apostrophes inside it ("don't", "l'homme") and separators inside a
 * number ("2.5", "1,000", "10:30"). Hangul is written with spaces, so a Korean word is a run like
 * any other.
 */
const DENSE = String.raw`\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\u30fc`;
/** A letter, mark or digit outside the dense scripts; the set difference (`v` flag) costs no lookahead per character. */
const WORD_CHAR = String.raw`[[\p{L}\p{M}\p{N}]--[${DENSE}]]`;
const WORD = new RegExp(
  String.raw`[${DENSE}]|${WORD_CHAR}+(?:(?:['’]|(?<=\p{N})[.,:](?=\p{N}))${WORD_CHAR}+)*`,
  'gv',
);

export function countWords(text: string): number {
  let count = 0;
  let runStart = -1;
  let runHasNonAscii = false;
  let runAsciiWords = 0;
  let inWord = false;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x20;
    if (!mayBeInWord(c)) {
      if (runStart !== -1) count += runHasNonAscii ? countWithPattern(text.slice(runStart, i)) : runAsciiWords;
      runStart = -1;
      continue;
    }
    if (runStart === -1) {
      runStart = i;
      runHasNonAscii = false;
      runAsciiWords = 0;
      inWord = false;
    }
    if (c >= 0x80) {
      runHasNonAscii = true;
    } else if (isAsciiAlnum(c)) {
      if (!inWord) runAsciiWords++;
      inWord = true;
    } else {
      // An apostrophe joins two word characters; `.`, `,` and `:` join two digits ("2.5", "10:30").
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      const joins = inWord && isAsciiAlnum(next) && (c === 0x27 || (isDigit(text.charCodeAt(i - 1)) && isDigit(next)));
      if (!joins) inWord = false;
    }
  }
  return count;
}

/**
 * Whether `c` can be part of a word, or of the run between two spaces that holds one: any non-ASCII
 * character, an ASCII letter or digit, or a joining apostrophe, `.`, `,` or `:`. Words never cross
 * anything else, so a run of these is counted on its own: ASCII-only runs by the loop above, at a
 * fraction of the cost of the Unicode-property pattern, the others by the pattern.
 */
function mayBeInWord(c: number): boolean {
  return c >= 0x80 || isAsciiAlnum(c) || c === 0x27 || c === 0x2e || c === 0x2c || c === 0x3a;
}

function isAsciiAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function countWithPattern(run: string): number {
  let count = 0;
  WORD.lastIndex = 0;
  // test() advances lastIndex like exec() without building a match array per word.
  while (WORD.test(run)) count++;
  return count;
}
