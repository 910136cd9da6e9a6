/**
 * The headline inside the body. An HTML page repeats its title as the first block; a plain-text
 * scrape has no metadata at all, and its first short line without closing punctuation is the
 * headline. Either way it leaves the text and becomes the title.
 */
import type { Cleaner } from '../../types.js';
import { fold, recordRemoval } from '../block-text.js';

/** Headlines are short: the longest in the shared dataset is well under this. */
const MAX_HEADLINE_CHARS = 200;
const ENDS_LIKE_SENTENCE = /[.!?:;,"”’)]$/u;

export const headline: Cleaner = {
  name: 'headline',
  apply(blocks, ctx) {
    const first = blocks[0];
    if (!first || first.tag === 'figure' || blocks.length < 2) return blocks;
    const text = first.text.trim();
    if (ctx.title !== null) {
      if (fold(text) !== fold(ctx.title)) return blocks;
    } else if (text.length > MAX_HEADLINE_CHARS || ENDS_LIKE_SENTENCE.test(text) || text.includes('\n')) {
      return blocks;
    } else {
      ctx.title = text;
    }
    recordRemoval(ctx, 'headline', first.text);
    return blocks.slice(1);
  },
};
