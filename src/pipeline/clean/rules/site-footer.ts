/**
 * Site footers and site phrases from the matching site rule: a syndication signature such as
 * "Korea Herald daum" printed under the story, or a site's own recurring lines.
 */
import type { Cleaner } from '../../types.js';
import { fold, removeBlocks } from '../block-text.js';

export const siteFooter: Cleaner = {
  name: 'site-footer',
  apply(blocks, ctx) {
    const rule = ctx.rule;
    if (!rule) return blocks;
    const footers = rule.footers.map(fold);
    const phrases = new Set(rule.phrases.map(fold));
    return removeBlocks(blocks, ctx, 'site-footer', (block) => {
      const t = fold(block.text);
      return phrases.has(t) || footers.some((f) => t === f || (t.endsWith(f) && t.length < f.length + 40));
    });
  },
};
