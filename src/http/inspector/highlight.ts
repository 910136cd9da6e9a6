/**
 * The original page as text, with the blocks the cleaning rules removed located in it. Pure.
 *
 * The page text keeps one line per block-level element, whitespace folded inside a line, so a
 * removal (a block's text, whitespace folded by the pipeline) is found by plain search once the
 * line breaks are read as spaces; both have the same length, so positions carry over unchanged.
 */
import { load } from 'cheerio';
import type { AnyNode } from 'domhandler';
import type { Removal } from '../../article.js';

const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'svg', 'head', 'iframe', 'object', 'canvas']);
const BLOCKS = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'figcaption', 'figure', 'footer',
  'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section',
  'table', 'td', 'th', 'tr', 'ul', 'body', 'center', 'details', 'summary', 'caption', 'option', 'button', 'label',
]);
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;

/** Folds whitespace runs to one space (`\s` covers no-break spaces) and drops invisible characters. */
export function foldText(s: string): string {
  return s.normalize('NFC').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
}

/** The visible text of an HTML page, one block-level element a line. */
export function htmlPageText(html: string): string {
  const $ = load(html);
  const parts: string[] = [];
  const stack: Array<{ node: AnyNode; leaving: boolean }> = $.root().children().toArray().reverse().map((node) => ({ node, leaving: false }));
  // An explicit stack, not recursion: pages nest thousands deep.
  while (stack.length > 0) {
    const { node, leaving } = stack.pop()!;
    if (node.type === 'text') {
      // Line breaks in the source are only whitespace; lines come from block elements.
      parts.push(node.data.replace(/\s+/g, ' '));
      continue;
    }
    if (node.type !== 'tag' && node.type !== 'root') continue;
    if (node.type === 'tag' && SKIPPED.has(node.name)) continue;
    const block = node.type === 'tag' && BLOCKS.has(node.name);
    if (leaving) {
      if (block) parts.push('\n');
      continue;
    }
    if (block) parts.push('\n');
    stack.push({ node, leaving: true });
    const children = 'children' in node ? node.children : [];
    for (let i = children.length - 1; i >= 0; i -= 1) stack.push({ node: children[i]!, leaving: false });
  }
  return plainPageText(parts.join(''));
}

/** A plain-text page as lines, whitespace folded, blank lines dropped. */
export function plainPageText(text: string): string {
  return text
    .split('\n')
    .map(foldText)
    .filter((line) => line !== '')
    .join('\n');
}

export interface Located {
  start: number;
  end: number;
  rule: string;
  /** Index of the removal in `removed`. */
  index: number;
}

export interface Highlighting {
  located: Located[];
  /** Removals whose text is not in the page text as is (the pipeline rewrote it). */
  missing: Array<Removal & { index: number }>;
}

/**
 * Finds each removal in `pageText`, in order, each at its first occurrence after the previous
 * match that overlaps no earlier match (rules run one after another, so removals need not come in
 * page order: a search that finds nothing after the cursor starts again from the top).
 */
export function locateRemovals(pageText: string, removed: readonly Removal[]): Highlighting {
  const haystack = pageText.replace(/\n/g, ' ');
  const located: Located[] = [];
  const missing: Highlighting['missing'] = [];
  const overlaps = (start: number, end: number) => located.some((l) => start < l.end && l.start < end);
  let cursor = 0;
  removed.forEach((r, index) => {
    const needle = foldText(r.text);
    if (needle === '') return;
    const found = findFree(haystack, needle, cursor, overlaps) ?? findFree(haystack, needle, 0, overlaps);
    if (found === null) {
      missing.push({ ...r, index });
      return;
    }
    located.push({ start: found, end: found + needle.length, rule: r.rule, index });
    cursor = found + needle.length;
  });
  located.sort((a, b) => a.start - b.start);
  return { located, missing };
}

function findFree(haystack: string, needle: string, from: number, overlaps: (s: number, e: number) => boolean): number | null {
  for (let at = haystack.indexOf(needle, from); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    if (!overlaps(at, at + needle.length)) return at;
  }
  return null;
}

export type Segment = { text: string; rule: null } | { text: string; rule: string; index: number };

/** `pageText` cut into plain and removed stretches, in order, for rendering. */
export function segments(pageText: string, located: readonly Located[]): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  for (const l of located) {
    if (l.start > at) out.push({ text: pageText.slice(at, l.start), rule: null });
    out.push({ text: pageText.slice(l.start, l.end), rule: l.rule, index: l.index });
    at = l.end;
  }
  if (at < pageText.length) out.push({ text: pageText.slice(at), rule: null });
  return out;
}
