/**
 * One post-order pass over the document that measures, for every element, how much of its text
 * is prose: text runs long enough and link-poor enough to be paragraphs of an article. The main
 * content container is the element that holds the most prose for the least of everything else.
 */
import type { AnyNode, Document, Element } from 'domhandler';
import { NEVER_CONTENT_TAGS, attr, classAndId, isElement, isHidden, tagName } from './dom.js';
import { LIKELY_CONTENT, UNLIKELY_ROLES, UNLIKELY_SUBSTRINGS, UNLIKELY_TOKENS } from './hints.js';

/*
 * Thresholds, calibrated once on the whole scrapinghub-aeb set (bench/quality.ts) by sweeping each
 * value over a coarse grid and keeping a round number from the flat top of the F1 curve; none was
 * tuned for a single page or site.
 */
/** A run of text outside `<p>` counts as prose from this many characters (about a sentence). */
export const MIN_PROSE_CHARS = 80;
/** Inside a `<p>`, shorter runs still count (one-line paragraphs are common in news). */
export const MIN_PROSE_CHARS_IN_P = 20;
/** A run with more than this share of its characters inside links is navigation, not prose. */
export const MAX_PROSE_LINK_DENSITY = 0.35;
/** Weight of non-prose text against prose when scoring a container. */
export const NON_PROSE_PENALTY = 0.4;

/** Inline elements: their text belongs to the run of the nearest block ancestor. */
const INLINE_TAGS: ReadonlySet<string> = new Set([
  'a', 'abbr', 'b', 'bdi', 'bdo', 'br', 'cite', 'code', 'data', 'del', 'dfn', 'em', 'font', 'i',
  'ins', 'kbd', 'mark', 'q', 's', 'samp', 'small', 'span', 'strong', 'sub', 'sup', 'time', 'u',
  'var', 'wbr', 'img', 'picture', 'source',
]);

/** Containers that are never dropped by the unlikely tables (the page itself, explicit articles). */
const PROTECTED_TAGS: ReadonlySet<string> = new Set(['html', 'body', 'article', 'main']);

export interface ElementStats {
  /** Characters of text (whitespace not counted). */
  text: number;
  /** Characters inside links. */
  link: number;
  /** Characters in prose runs. */
  prose: number;
  /** Number of prose runs (paragraphs). */
  paragraphs: number;
}

export interface DensityMap {
  stats: Map<Element, ElementStats>;
  /** Elements dropped as unlikely content (not measured, not walked). */
  unlikely: Set<Element>;
}

/** True for elements that cannot hold the article: never-content tags, hidden, unlikely hints. */
export function isUnlikely(el: Element, tag: string): boolean {
  if (PROTECTED_TAGS.has(tag)) return false;
  const role = attr(el, 'role');
  if (role !== null && UNLIKELY_ROLES.has(role.toLowerCase())) return true;
  const hint = classAndId(el);
  if (hint === '') return false;
  if (!UNLIKELY_SUBSTRINGS.test(hint) && !UNLIKELY_TOKENS.test(hint)) return false;
  return !LIKELY_CONTENT.test(hint);
}

function countNonSpace(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 32 && c !== 160) n++;
  }
  return n;
}

interface RunContext {
  el: Element;
  inParagraph: boolean;
  runText: number;
  runLink: number;
}

function closeRun(ctx: RunContext, stats: ElementStats): void {
  const { runText, runLink } = ctx;
  ctx.runText = 0;
  ctx.runLink = 0;
  if (runText === 0) return;
  const minimum = ctx.inParagraph ? MIN_PROSE_CHARS_IN_P : MIN_PROSE_CHARS;
  if (runText >= minimum && runLink / runText <= MAX_PROSE_LINK_DENSITY) {
    stats.prose += runText;
    stats.paragraphs++;
  }
}

/** Measures every element under `document`; `pruneUnlikely` drops hinted boilerplate first. */
export function measure(document: Document, pruneUnlikely: boolean): DensityMap {
  const stats = new Map<Element, ElementStats>();
  const unlikely = new Set<Element>();
  const contexts: RunContext[] = [];
  let linkDepth = 0;
  // Entries: a node to enter, or (exit = true) an element to close.
  const stack: { node: AnyNode; exit: boolean }[] = [];
  for (let i = document.children.length - 1; i >= 0; i--) stack.push({ node: document.children[i] as AnyNode, exit: false });

  while (stack.length > 0) {
    const { node, exit } = stack.pop() as { node: AnyNode; exit: boolean };
    if (node.type === 'text') {
      const n = countNonSpace((node as unknown as { data: string }).data);
      if (n === 0) continue;
      const parent = node.parent as Element | null;
      const own = parent === null ? undefined : stats.get(parent);
      if (own !== undefined) {
        own.text += n;
        if (linkDepth > 0) own.link += n;
      }
      const ctx = contexts[contexts.length - 1];
      if (ctx !== undefined) {
        ctx.runText += n;
        if (linkDepth > 0) ctx.runLink += n;
      }
      continue;
    }
    if (!isElement(node)) continue;
    const el = node;
    const tag = tagName(el);
    const own = stats.get(el);
    if (exit && own !== undefined) {
      if (tag === 'a') linkDepth--;
      if (!INLINE_TAGS.has(tag)) {
        const ctx = contexts.pop() as RunContext;
        closeRun(ctx, own);
      }
      const parent = el.parent;
      const parentStats = parent !== null && isElement(parent) ? stats.get(parent) : undefined;
      if (parentStats !== undefined) {
        parentStats.text += own.text;
        parentStats.link += own.link;
        parentStats.prose += own.prose;
        parentStats.paragraphs += own.paragraphs;
      }
      continue;
    }
    if (NEVER_CONTENT_TAGS.has(tag) || isHidden(el)) continue;
    if (pruneUnlikely && isUnlikely(el, tag)) {
      unlikely.add(el);
      continue;
    }
    stats.set(el, { text: 0, link: 0, prose: 0, paragraphs: 0 });
    if (tag === 'a') linkDepth++;
    if (!INLINE_TAGS.has(tag)) {
      const outer = contexts[contexts.length - 1];
      if (outer !== undefined) closeRun(outer, stats.get(outer.el) as ElementStats);
      contexts.push({ el, inParagraph: tag === 'p' || (outer?.inParagraph ?? false), runText: 0, runLink: 0 });
    }
    stack.push({ node: el, exit: true });
    for (let i = el.children.length - 1; i >= 0; i--) stack.push({ node: el.children[i] as AnyNode, exit: false });
  }
  return { stats, unlikely };
}

/** The container score: prose, minus a share of everything else it would drag in. */
export function containerScore(s: ElementStats): number {
  return s.prose - NON_PROSE_PENALTY * (s.text - s.prose);
}

/** The element with the best container score, or null when the page has no prose at all. */
export function bestContainer(map: DensityMap): Element | null {
  let best: Element | null = null;
  let bestScore = 0;
  for (const [el, s] of map.stats) {
    if (s.paragraphs === 0) continue;
    const score = containerScore(s);
    // Map order is document (pre-)order, so on a tie the outer element wins; `>` keeps it.
    if (score > bestScore) {
      best = el;
      bestScore = score;
    }
  }
  return best;
}
