/**
 * A byline line at the top of the body ("By Kim Arin", "Written by ..."): its names go to
 * `authors` when the metadata had none, and the line leaves the text.
 */
import type { Cleaner } from '../../types.js';
import { recordRemoval } from '../block-text.js';

/** Only the first few blocks can be a byline; further down "By ..." starts ordinary sentences. */
const BYLINE_WINDOW = 3;
const MAX_BYLINE_CHARS = 120;
const BYLINE = /^(?:by|written by|reporter:?|posted by)\s+(\p{Lu}[^.!?]*)$/iu;

export const byline: Cleaner = {
  name: 'byline',
  apply(blocks, ctx) {
    const kept = [...blocks];
    for (let i = 0; i < Math.min(BYLINE_WINDOW, kept.length); i++) {
      const b = kept[i]!;
      if (b.tag !== 'p' || b.text.length > MAX_BYLINE_CHARS) continue;
      const m = BYLINE.exec(b.text.trim());
      if (!m) continue;
      if (ctx.authors.length === 0) {
        ctx.authors = m[1]!
          .split(/(?<!\s)\s*(?:,|\band\b|&)\s*/u)
          .map((s) => s.trim())
          .filter((s) => s !== '');
      }
      recordRemoval(ctx, 'byline', b.text);
      kept.splice(i, 1);
      break;
    }
    return kept;
  },
};
