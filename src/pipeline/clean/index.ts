/**
 * Stage 5, clean: the boilerplate rules, applied in order to the body's blocks. The same rules run
 * for HTML and for plain text, because both arrive here as blocks. Order matters: widgets and
 * footers go first so that the headline, dateline and agency rules see the real first and last
 * paragraphs; captions go before the dateline so a caption is never mistaken for the opening line.
 */
import type { Block, Cleaner, CleanContext } from '../types.js';
import { siteFooter } from './rules/site-footer.js';
import { navPhrases } from './rules/nav-phrases.js';
import { copyright, newsletter, social } from './rules/pattern-blocks.js';
import { related } from './rules/related.js';
import { captions } from './rules/captions.js';
import { headline } from './rules/headline.js';
import { byline } from './rules/byline.js';
import { endCredits } from './rules/end-credits.js';
import { dateline } from './rules/dateline.js';
import { agency } from './rules/agency.js';

export const CLEANERS: readonly Cleaner[] = [
  siteFooter,
  navPhrases,
  social,
  newsletter,
  copyright,
  related,
  captions,
  headline,
  byline,
  endCredits,
  dateline,
  agency,
];

export function cleanBlocks(blocks: Block[], ctx: CleanContext): Block[] {
  let out = blocks;
  for (const cleaner of CLEANERS) out = cleaner.apply(out, ctx);
  return out.filter((b) => b.tag === 'figure' || b.text.trim() !== '');
}

export { splitCredit } from './rules/credit.js';
export { isNavigationText } from './rules/nav-phrases.js';
