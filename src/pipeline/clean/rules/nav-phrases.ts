/**
 * Navigation and widget labels left in the text by a scrape: "Back To Top", "Print", "Share",
 * "Font size", a row of "Facebook Twitter Email"... A block goes only when all of it is such a
 * label, so a sentence that mentions "print" stays.
 */
import type { Cleaner } from '../../types.js';
import { boilerplate } from '../boilerplate.js';
import { foldPhrase, removeBlocks } from '../block-text.js';

/** A row of labels ("Share | Tweet | Email") is short; past this it is prose. */
const MAX_LABEL_ROW_CHARS = 80;

export function isNavigationText(text: string): boolean {
  const { navPhrases } = boilerplate();
  const lines = text.split('\n');
  return lines.every((line) => {
    // Labels are short: most blocks are prose and leave here before any folding is paid for.
    if (line.length > MAX_LABEL_ROW_CHARS * 2) return false;
    const phrase = foldPhrase(line);
    if (phrase === '' || navPhrases.has(phrase)) return true;
    if (phrase.length > MAX_LABEL_ROW_CHARS) return false;
    const parts = phrase.split(/\s*[|·•/]\s*|\s+/).filter((p) => p !== '');
    return parts.length > 1 && parts.every((p) => navPhrases.has(foldPhrase(p)));
  });
}

export const navPhrases: Cleaner = {
  name: 'nav-phrase',
  apply(blocks, ctx) {
    return removeBlocks(blocks, ctx, 'nav-phrase', (b) => b.tag !== 'figure' && isNavigationText(b.text));
  },
};
