/**
 * Choosing the article container from the density map: the element whose direct paragraphs
 * carry the most link-poor prose, plus the siblings that continue it (a story split in two by an
 * ad slot or a photo block).
 */
import type { Element } from 'domhandler';
import type { DensityMap, ElementStats } from './density.js';
import { isElement } from './dom.js';

// Thresholds: calibrated with those of density.ts, see the note there.

/** A sibling joins the container when its own credit reaches this share of the container's... */
export const SIBLING_CREDIT_SHARE = 0.2;
/** ...or it is itself a prose paragraph of at least this many characters with few links. */
export const SIBLING_PARAGRAPH_CHARS = 80;
export const SIBLING_MAX_LINK_DENSITY = 0.25;

/**
 * Climbing from the container to its parent: worth it when the parent adds at least this much
 * prose (a story cut into several wrapped chunks)...
 */
export const CLIMB_MIN_EXTRA_PROSE = 120;
/** ...and what the parent adds is mostly prose, not teasers or link lists. */
export const CLIMB_MIN_EXTRA_PROSE_SHARE = 0.75;

const WIDEN_BOUNDARY_TAGS: ReadonlySet<string> = new Set(['article', 'main']);

function linkDensity(s: ElementStats): number {
  return s.text === 0 ? 0 : s.link / s.text;
}

/** Credit discounted by link density, as a link list is not an article however long. */
export function candidateScore(s: ElementStats): number {
  return s.credit * (1 - linkDensity(s));
}

function isPruned(map: DensityMap, s: ElementStats): boolean {
  return s.hinted !== null && map.unlikely.has(s.hinted);
}

/** The best-scoring element, or null when no element directly holds any prose. */
export function bestCandidate(map: DensityMap): Element | null {
  let best: Element | null = null;
  let bestScore = 0;
  for (const [el, s] of map.stats) {
    if (s.credit === 0 || isPruned(map, s)) continue;
    const score = candidateScore(s);
    if (score > bestScore) {
      best = el;
      bestScore = score;
    }
  }
  return best;
}

/** Widens the container while an ancestor adds mostly more prose (see CLIMB_*). */
export function widenContainer(map: DensityMap, top: Element): Element {
  let current = top;
  let ancestor = top.parent;
  while (ancestor !== null && isElement(ancestor)) {
    const inner = map.stats.get(current) as ElementStats;
    const outer = map.stats.get(ancestor);
    if (outer === undefined) break;
    const extraProse = outer.prose - inner.prose;
    const extraText = outer.text - inner.text;
    // A wrapper that adds nothing is passed through, and only kept if a later ancestor pays off.
    if (extraText > 0) {
      if (extraProse < CLIMB_MIN_EXTRA_PROSE || extraProse < CLIMB_MIN_EXTRA_PROSE_SHARE * extraText) break;
      current = ancestor;
    }
    // The page's own markup of where the story ends: never gather beyond an <article> or <main>.
    if (WIDEN_BOUNDARY_TAGS.has(ancestor.name)) break;
    ancestor = ancestor.parent;
  }
  return current;
}

/** The container and the siblings that belong with it, in document order. */
export function containerWithSiblings(map: DensityMap, top: Element): Element[] {
  const parent = top.parent;
  const topStats = map.stats.get(top) as ElementStats;
  // Beside an <article> stand other articles (the next story of an endless scroll), not more of this one.
  if (parent === null || !isElement(parent) || WIDEN_BOUNDARY_TAGS.has(top.name)) return [top];
  const threshold = SIBLING_CREDIT_SHARE * candidateScore(topStats);
  const roots: Element[] = [];
  for (const sibling of parent.children) {
    if (!isElement(sibling)) continue;
    if (sibling === top) {
      roots.push(top);
      continue;
    }
    const s = map.stats.get(sibling);
    if (s === undefined || map.unlikely.has(sibling) || isPruned(map, s)) continue;
    const isParagraph = s.paragraphs === 1 && s.prose >= SIBLING_PARAGRAPH_CHARS && linkDensity(s) <= SIBLING_MAX_LINK_DENSITY;
    if (candidateScore(s) >= threshold && s.credit > 0) roots.push(sibling);
    else if (isParagraph && sibling.name === 'p') roots.push(sibling);
  }
  return roots;
}
