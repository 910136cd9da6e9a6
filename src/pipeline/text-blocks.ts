/**
 * The plain-text path into the pipeline: a naive scrape or a text-only feed becomes blocks, so the
 * same cleaning rules serve it as serve HTML. Blank lines separate paragraphs; inside a paragraph,
 * lines are kept apart (a scrape puts a caption and its duplicate on two lines) unless the chunk
 * is hard-wrapped prose, whose lines are joined back.
 */
import type { Block } from './types.js';
import { escapeHtml } from './clean/block-text.js';

/** Hard-wrapped text breaks lines near a fixed width (mail and wire copy: 60-80 columns). */
const WRAP_MIN = 55;
const WRAP_MAX = 100;

function isHardWrapped(lines: string[]): boolean {
  if (lines.length < 2) return false;
  const body = lines.slice(0, -1);
  return body.every((l) => l.length >= WRAP_MIN && l.length <= WRAP_MAX && !/[.!?"”)]$/u.test(l));
}

function paragraph(text: string): Block {
  const folded = text.replace(/\s+/g, ' ').trim();
  return { tag: 'p', text: folded, html: escapeHtml(folded) };
}

export function textToBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  const chunks = text.replace(/\r\n?/g, '\n').split(/\n[ \t\u00a0]*\n/);
  for (const chunk of chunks) {
    const lines = chunk
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    if (lines.length === 0) continue;
    if (isHardWrapped(lines)) blocks.push(paragraph(lines.join(' ')));
    else for (const line of lines) blocks.push(paragraph(line));
  }
  return blocks;
}
