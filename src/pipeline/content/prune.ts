/**
 * Inside the chosen container: which elements are boilerplate that sits among the paragraphs
 * (share bars, inline "related" lists, bylines, the article header) and must not become blocks.
 */
import type { Element } from 'domhandler';
import type { DensityMap, ElementStats } from './density.js';
import { tagName } from './dom.js';

// Thresholds: calibrated with those of density.ts, see the note there.

/** A link-heavy element without prose is a link list (related stories, tags, share links). */
export const LINK_LIST_DENSITY = 0.5;
/** A header holding more than this share of the container's prose is part of the article. */
export const HEADER_PROSE_SHARE = 0.5;

/**
 * Never judged by link density alone: inline markup, and list items (an item that opens with a
 * linked headline sentence is still body text; the list around many such links is not). A `<p>`
 * made mostly of a link stays judged: it is usually a "Read more: <a>...</a>" line.
 */
const LINK_LIST_EXEMPT_TAGS: ReadonlySet<string> = new Set([
  'a', 'span', 'b', 'strong', 'em', 'i', 'u', 'small', 'font', 'li',
]);

export function boilerplateSkipper(map: DensityMap, container: Element): (el: Element) => boolean {
  const containerStats = map.stats.get(container) as ElementStats;
  return (el: Element): boolean => {
    if (el === container) return false;
    if (map.unlikely.has(el)) return true;
    const s = map.stats.get(el);
    if (s === undefined) return false;
    const tag = tagName(el);
    if (tag === 'header' || tag === 'hgroup') return s.prose <= HEADER_PROSE_SHARE * containerStats.prose;
    if (LINK_LIST_EXEMPT_TAGS.has(tag)) return false;
    return s.prose === 0 && s.text > 0 && s.link / s.text > LINK_LIST_DENSITY;
  };
}
