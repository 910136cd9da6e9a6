/**
 * Small helpers the cleaners share: comparing block texts, recording removals, and cutting text
 * off the start or end of a block while keeping its inline markup.
 */
import type { Block, CleanContext } from '../types.js';

/** Whitespace `fold` would change: anything but a lone space. */
const UNFOLDED_SPACE = /[^\S ]| {2}/;

/** Case- and whitespace-insensitive form of a text, for comparisons against phrase tables. */
export function fold(text: string): string {
  // Block texts are mostly folded already; replacing every single space would copy them anyway.
  const spaced = UNFOLDED_SPACE.test(text) ? text.replace(/\s+/g, ' ') : text;
  return spaced.trim().toLowerCase();
}

/** `fold`, also without surrounding punctuation and bullets ("Share:", "| Print |", "▲ Top"). */
export function foldPhrase(text: string): string {
  return fold(trimPunctuation(text));
}

const EDGE_CHARACTER = /^[\s\p{P}\p{S}]$/u;

/** Whitespace, punctuation or a symbol; ASCII answered without the pattern. */
function isEdgeCharacter(codePoint: number): boolean {
  if (codePoint < 0x80) {
    if (codePoint <= 0x20) return codePoint === 0x20 || (codePoint >= 0x09 && codePoint <= 0x0d);
    const letterOrDigit = (codePoint >= 0x30 && codePoint <= 0x39) || ((codePoint | 0x20) >= 0x61 && (codePoint | 0x20) <= 0x7a);
    return !letterOrDigit && codePoint !== 0x7f;
  }
  return EDGE_CHARACTER.test(String.fromCodePoint(codePoint));
}

/**
 * `text` without the whitespace, punctuation and symbols at its ends, walked from each end by
 * code point. The pattern it replaces tried its trailing branch at every position of the text.
 */
export function trimPunctuation(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end) {
    const codePoint = text.codePointAt(start)!;
    if (!isEdgeCharacter(codePoint)) break;
    start += codePoint > 0xffff ? 2 : 1;
  }
  while (end > start) {
    const low = text.charCodeAt(end - 1);
    const high = end - 2 >= start ? text.charCodeAt(end - 2) : 0;
    const pair = low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff;
    if (!isEdgeCharacter(pair ? (high - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000 : low)) break;
    end -= pair ? 2 : 1;
  }
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

export function recordRemoval(ctx: CleanContext, rule: string, text: string): void {
  if (text.trim() !== '') ctx.removed.push({ rule, text });
}

/** Drops the blocks `isRemoved` picks, recording each under `rule`. */
export function removeBlocks(
  blocks: Block[],
  ctx: CleanContext,
  rule: string,
  isRemoved: (block: Block, index: number) => boolean,
): Block[] {
  const kept: Block[] = [];
  blocks.forEach((block, i) => {
    if (isRemoved(block, i)) recordRemoval(ctx, rule, block.text);
    else kept.push(block);
  });
  return kept;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

/**
 * Keeps only the text between `start` and `end` (positions in the block's folded `text`) of an
 * inline HTML fragment, keeping every tag, so that "<b>WASHINGTON</b> -- US officials" loses its
 * dateline but keeps the rest of its markup. Whitespace runs count as one character, as in `text`.
 */
export function sliceHtmlText(html: string, start: number, end: number): string {
  let out = '';
  let pos = 0; // position in the folded text
  let lastWasSpace = true; // leading whitespace is not part of the folded text
  let i = 0;
  while (i < html.length) {
    const c = html[i]!;
    if (c === '<') {
      const close = html.indexOf('>', i);
      const stop = close === -1 ? html.length : close + 1;
      out += html.slice(i, stop);
      i = stop;
      continue;
    }
    let token = c;
    if (c === '&') {
      const semi = html.indexOf(';', i);
      if (semi !== -1 && semi - i <= 10) token = html.slice(i, semi + 1);
    }
    const isSpace = /^(?:\s|&nbsp;|&#160;)$/.test(token);
    if (isSpace && lastWasSpace) {
      i += token.length;
      continue;
    }
    if (pos >= start && pos < end) out += token;
    pos += 1;
    lastWasSpace = isSpace;
    i += token.length;
  }
  return dropEmptyInline(out).trim();
}

const EMPTY_INLINE = /<(a|b|i|em|strong|span)\b[^<>]*>\s*<\/\1>/gi;

function dropEmptyInline(html: string): string {
  let prev: string;
  let cur = html;
  do {
    prev = cur;
    cur = cur.replace(EMPTY_INLINE, '');
  } while (cur !== prev);
  return cur;
}

/** A copy of `block` without its first `n` text characters (and the spaces after them). */
export function dropLeading(block: Block, n: number): Block {
  const text = block.text.slice(n).trimStart();
  const cut = block.text.length - text.length;
  return { ...block, text, html: sliceHtmlText(block.html, cut, Number.MAX_SAFE_INTEGER) };
}

/** A copy of `block` without its last `n` text characters (and the spaces before them). */
export function dropTrailing(block: Block, n: number): Block {
  const text = block.text.slice(0, block.text.length - n).trimEnd();
  return { ...block, text, html: sliceHtmlText(block.html, 0, text.length) };
}
