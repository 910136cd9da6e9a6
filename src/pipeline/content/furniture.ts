/**
 * Short lines that are page furniture whatever their markup: bylines, lone dates, share prompts,
 * "read more" teasers. Only short paragraphs are looked at, so prose is never touched.
 */
import type { Element } from 'domhandler';
import type { Block } from '../types.js';
import { textOf } from './blocks.js';
import {
  DATE_ONLY_LINE, DATE_TIME_LINE, DATE_TIME_LINE_MAX_CHARS, FURNITURE_LINE, LEGAL_LINE, RELATED_HEADING,
} from './hints.js';

/** Paragraphs longer than this are prose, whatever they start with. */
export const MAX_FURNITURE_CHARS = 160;
/** Copyright notices run longer than other furniture ("... may not be reproduced, distributed..."). */
export const LEGAL_LINE_MAX_CHARS = 400;

export function isFurniture(block: Block): boolean {
  if (block.tag !== 'p' || block.caption === true) return false;
  if (block.text.length <= LEGAL_LINE_MAX_CHARS && LEGAL_LINE.test(block.text)) return true;
  if (block.text.length <= DATE_TIME_LINE_MAX_CHARS && DATE_TIME_LINE.test(block.text)) return true;
  if (block.text.length > MAX_FURNITURE_CHARS) return false;
  return FURNITURE_LINE.test(block.text) || DATE_ONLY_LINE.test(block.text);
}

/** Body text (characters) that must come before a "related stories" heading for it to end the body. */
export const MIN_BODY_BEFORE_RELATED = 200;
/** Past this length a heading is a real subheading, whatever words it starts with. */
const MAX_RELATED_HEADING_CHARS = 60;

const HEADING_TAGS: ReadonlySet<string> = new Set(['h2', 'h3', 'h4', 'h5', 'h6']);

function isRelatedHeading(block: Block): boolean {
  return HEADING_TAGS.has(block.tag) && block.text.length <= MAX_RELATED_HEADING_CHARS && RELATED_HEADING.test(block.text);
}

/** Characters of body paragraphs (captions and headings not counted). */
export function bodyCharsOf(blocks: readonly Block[]): number {
  let chars = 0;
  for (const block of blocks) if (block.tag === 'p' && block.caption !== true) chars += block.text.length;
  return chars;
}

/**
 * For `elementToBlocks`' `stopAt`: a heading announcing other stories, met after enough body text
 * (`bodyChars` is only called for such a heading). Asked of the element itself, because such
 * headings are often inside hinted (pruned) boxes.
 */
export function isEndOfBody(el: Element, bodyChars: () => number): boolean {
  if (!HEADING_TAGS.has(el.name)) return false;
  const text = textOf(el);
  if (text.length > MAX_RELATED_HEADING_CHARS || !RELATED_HEADING.test(text)) return false;
  return bodyChars() >= MIN_BODY_BEFORE_RELATED;
}

/** Drops furniture lines, and everything from a "related stories" heading on. */
export function dropFurniture(blocks: Block[]): Block[] {
  const kept: Block[] = [];
  let bodyChars = 0;
  for (const block of blocks) {
    if (isRelatedHeading(block)) {
      if (bodyChars >= MIN_BODY_BEFORE_RELATED) break;
      continue;
    }
    if (isFurniture(block)) continue;
    kept.push(block);
    if (block.tag === 'p' && block.caption !== true) bodyChars += block.text.length;
  }
  return kept;
}
