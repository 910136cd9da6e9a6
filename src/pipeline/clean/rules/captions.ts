/**
 * Photo captions. Scrapes print a caption twice (the image's alt text and its caption), or once as
 * a figcaption and again as a paragraph; each photo must come out once, in `images[]`, with its
 * credit split off, and its caption must not stay in the text.
 */
import type { ArticleImage } from '../../../article.js';
import type { Block, Cleaner, CleanContext } from '../../types.js';
import { fold, recordRemoval } from '../block-text.js';
import { splitCredit } from './credit.js';

/** A caption is a line or two; a repeated longer block is a scrape artefact we leave alone. */
const MAX_CAPTION_CHARS = 400;

function creditPattern(ctx: CleanContext): RegExp | null {
  const source = ctx.rule?.captions.credit;
  return source ? new RegExp(source, 'u') : null;
}

function toImage(text: string, url: string | null, creditPattern: RegExp | null): ArticleImage {
  const { caption, credit } = splitCredit(text, creditPattern);
  return { url, caption: caption || null, credit };
}

export const captions: Cleaner = {
  name: 'caption',
  apply(blocks, ctx) {
    // The site's credit pattern, compiled once per page rather than once per caption.
    const credit = creditPattern(ctx);
    // Every caption text seen so far, folded, with and without its credit, to catch repeats.
    const known = new Set<string>();
    const remember = (text: string, image: ArticleImage) => {
      known.add(fold(text));
      if (image.caption) known.add(fold(image.caption));
    };
    const kept: Block[] = [];
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i]!;
      if (b.tag === 'figure') {
        const raw = b.image?.caption ?? '';
        const image = raw ? toImage(raw, b.image?.url ?? null, credit) : { url: b.image?.url ?? null, caption: null, credit: null };
        if (image.url !== null || image.caption !== null) ctx.images.push(image);
        if (raw) remember(raw, image);
        kept.push({ ...b, image, text: '' });
        continue;
      }
      const folded = fold(b.text);
      if (b.text.length <= MAX_CAPTION_CHARS && known.has(folded)) {
        recordRemoval(ctx, 'caption-repeat', b.text);
        continue;
      }
      const next = blocks[i + 1];
      const afterNext = blocks[i + 2];
      const previous = blocks[i - 1];
      // Exactly twice: a line repeated three or more times is not a photo's alt text and caption.
      const isDoubled =
        next !== undefined &&
        next.tag !== 'figure' &&
        fold(next.text) === folded &&
        (afterNext === undefined || fold(afterNext.text) !== folded) &&
        (previous === undefined || fold(previous.text) !== folded);
      if (b.caption || (isDoubled && b.text.length <= MAX_CAPTION_CHARS && b.tag === 'p')) {
        const image = toImage(b.text, b.image?.url ?? null, credit);
        ctx.images.push(image);
        remember(b.text, image);
        recordRemoval(ctx, 'caption', b.text);
        continue;
      }
      kept.push(b);
    }
    return kept;
  },
};
