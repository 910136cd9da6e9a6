/**
 * The trailing agency tag of a wire story: "... kicked off Monday. (Yonhap)", "... /Reuters",
 * "— AP", or a last line that is only the credit. The agency goes to `agency`; the text loses the tag.
 */
import type { Block, Cleaner } from '../../types.js';
import { boilerplate } from '../boilerplate.js';
import { dropTrailing, recordRemoval } from '../block-text.js';

const BRACKETED = /(?<!\s)\s*\(([^()]{2,40})\)\s*$/u;
const SLASHED = /(?<!\s)\s*(?:\/|—|–|--)\s*([\p{L} .-]{2,30})$/u;

function agencyOf(raw: string): string | null {
  return boilerplate().agencyByAlias.get(raw.trim().toLowerCase()) ?? null;
}

export const agency: Cleaner = {
  name: 'agency',
  apply(blocks, ctx) {
    let last = -1;
    for (let i = blocks.length - 1; i >= 0; i--) {
      if (blocks[i]!.tag === 'p') {
        last = i;
        break;
      }
    }
    if (last === -1) return blocks;
    const block = blocks[last]!;
    const whole = agencyOf(block.text.replace(/^[(\s—–/-]+|(?<![)\s])[)\s]+$/gu, ''));
    if (whole !== null) {
      ctx.agency ??= whole;
      recordRemoval(ctx, 'agency', block.text);
      return blocks.filter((_, i) => i !== last);
    }
    for (const pattern of [BRACKETED, SLASHED]) {
      const m = pattern.exec(block.text);
      const name = m ? agencyOf(m[1]!) : null;
      if (m && name !== null) {
        ctx.agency ??= name;
        recordRemoval(ctx, 'agency', m[0].trim());
        const out: Block[] = [...blocks];
        out[last] = dropTrailing(block, m[0].length);
        return out;
      }
    }
    return blocks;
  },
};
