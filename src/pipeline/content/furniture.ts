/**
 * Short lines that are page furniture whatever their markup: bylines, lone dates, share prompts,
 * "read more" teasers. Only short paragraphs are looked at, so prose is never touched.
 */
import type { Block } from '../types.js';
import { DATE_ONLY_LINE, DATE_TIME_LINE, DATE_TIME_LINE_MAX_CHARS, FURNITURE_LINE, LEGAL_LINE } from './hints.js';

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

export function dropFurniture(blocks: Block[]): Block[] {
  return blocks.filter((block) => !isFurniture(block));
}
