/**
 * Related and most-read lists: a heading such as "Related articles" or "Most read" and the links
 * under it, and one-line teasers such as "READ MORE: ...".
 */
import type { Block, Cleaner } from '../../types.js';
import { boilerplate } from '../boilerplate.js';
import { foldPhrase, recordRemoval } from '../block-text.js';

/** "Related articles", "More on this story": section headings are a few words. */
const MAX_HEADING_CHARS = 60;

/** A paragraph that is nothing but a link is a teaser, not prose. */
function isLinkOnly(b: Block): boolean {
  const html = b.html.trim();
  return /^<a\b[^>]*>[\s\S]*<\/a>$/i.test(html) && html.indexOf('<a', 1) === -1;
}

export const related: Cleaner = {
  name: 'related',
  apply(blocks, ctx) {
    const vocab = boilerplate();
    const kept: Block[] = [];
    let inList = false;
    for (const b of blocks) {
      const short = b.text.length <= vocab.maxBoilerplateChars;
      if (b.text.length <= MAX_HEADING_CHARS && b.tag !== 'figure' && vocab.relatedHeadings.has(foldPhrase(b.text))) {
        inList = true;
        recordRemoval(ctx, 'related', b.text);
        continue;
      }
      if (inList && (b.tag === 'ul' || b.tag === 'ol' || isLinkOnly(b))) {
        recordRemoval(ctx, 'related', b.text);
        continue;
      }
      inList = false;
      const lower = b.text.trim().toLowerCase();
      if (short && b.tag === 'p' && vocab.relatedPrefixes.some((p) => lower.startsWith(p))) {
        recordRemoval(ctx, 'related', b.text);
        continue;
      }
      kept.push(b);
    }
    return kept;
  },
};
