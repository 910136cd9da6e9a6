/**
 * Production credits at the end of wire copy: "(Reporting by ...; Editing by ...)",
 * "Additional reporting by ...". They credit staff, not the story's content.
 */
import type { Cleaner } from '../../types.js';
import { removeBlocks } from '../block-text.js';

const END_CREDIT = /^\(?(?:additional )?(?:reporting|writing|editing|compiled|translated|fact-checked) by\b/iu;
const MAX_CREDIT_CHARS = 300;
/** Credits close the story: look only at its last blocks. */
const TAIL_WINDOW = 3;

export const endCredits: Cleaner = {
  name: 'end-credits',
  apply(blocks, ctx) {
    const from = blocks.length - TAIL_WINDOW;
    return removeBlocks(
      blocks,
      ctx,
      'end-credits',
      (b, i) => i >= from && b.tag === 'p' && b.text.length <= MAX_CREDIT_CHARS && END_CREDIT.test(b.text.trim()),
    );
  },
};
