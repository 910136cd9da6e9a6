/**
 * The opening dateline of a wire story: "WASHINGTON --", "SEOUL, Jan. 3 (Yonhap) --",
 * "LONDON (Reuters) -". The place goes to `dateline`, a credited agency to `agency`, and the
 * paragraph starts with its first real word.
 */
import type { Cleaner } from '../../types.js';
import { boilerplate } from '../boilerplate.js';
import { dropLeading, recordRemoval } from '../block-text.js';

// Bounded repetitions throughout: this runs on untrusted text, so no nested unbounded quantifiers.
const DATELINE =
  /^(?<place>\p{Lu}[\p{L}.'’ -]{1,40}?(?:,\s?\p{Lu}[\p{L}.'’ -]{0,30}?){0,2}?)(?:,\s?(?<date>\p{Lu}\p{Ll}{2,8}\.?\s\d{1,2}))?\s?(?:\((?<agency>[^()]{2,40})\))?\s?(?:--|—|–|-)\s/u;
/** The place must be written as datelines are, in capitals, unless an agency credit vouches for it. */
const CAPITALS = /^[\p{Lu}\d.'’ ,-]+$/u;

export const dateline: Cleaner = {
  name: 'dateline',
  apply(blocks, ctx) {
    const index = blocks.findIndex((b) => b.tag === 'p');
    if (index === -1 || index > 2) return blocks;
    const block = blocks[index]!;
    const m = DATELINE.exec(block.text);
    if (!m?.groups) return blocks;
    const place = m.groups.place!.trim().replace(/,$/, '');
    const agencyRaw = m.groups.agency?.trim() ?? null;
    const lettersInPlace = place.replace(/[^\p{L}]/gu, '').length;
    if (lettersInPlace < 2 || (!CAPITALS.test(place) && agencyRaw === null)) return blocks;
    if (block.text.length - m[0].length < 20) return blocks; // nothing would be left of the paragraph
    ctx.dateline = place;
    if (agencyRaw !== null) ctx.agency ??= boilerplate().agencyByAlias.get(agencyRaw.toLowerCase()) ?? agencyRaw;
    recordRemoval(ctx, 'dateline', m[0].trim());
    const out = [...blocks];
    out[index] = dropLeading(block, m[0].length);
    return out;
  },
};
