/**
 * One post-order pass over the document that measures, for every element, how much of its text
 * is prose: text runs long enough and link-poor enough to be paragraphs of an article. The main
 * content container is the element that holds the most prose for the least of everything else.
 */
import type { AnyNode, Document, Element } from 'domhandler';
import { NEVER_CONTENT_TAGS, attr, classAndId, isElement, isHidden, tagName } from './dom.js';
import {
  LAYOUT_SUBSTRINGS, LAYOUT_TOKENS, LIKELY_CONTENT, UNLIKELY_ROLES, UNLIKELY_SUBSTRINGS, UNLIKELY_TOKENS,
} from './hints.js';

/*
 * Thresholds here, in candidate.ts and in prune.ts were calibrated on the whole scrapinghub-aeb set
 * (bench/quality.ts) by sweeping each one over a coarse grid (about half, same, double) and keeping
 * a round value from the flat top of the F1 curve; F1 moved by at most 0.005 across those grids.
 * None was tuned for a single page or site.
 */
/** A run of text outside `<p>` counts as prose from this many characters (about a sentence). */
export const MIN_PROSE_CHARS = 80;
/** Inside a `<p>`, shorter runs still count (one-line paragraphs are common in news). */
export const MIN_PROSE_CHARS_IN_P = 20;
/** A run with more than this share of its characters inside links is navigation, not prose. */
export const MAX_PROSE_LINK_DENSITY = 0.35;
/**
 * A run that opens with a link is held to a lower link density: "<a>Long headline</a> summary" is
 * a teaser, while a paragraph that happens to open with a linked name has a small link share.
 */
export const MAX_TEASER_LINK_DENSITY = 0.15;
/** Share of a paragraph's credit that goes to its grandparent. */
export const GRANDPARENT_CREDIT = 0.5;
/** A layout-hinted element (sidebar, widget) is kept when this share of its text is prose... */
export const LAYOUT_KEEP_PROSE_SHARE = 0.5;
/**
 * ...in at least this many paragraphs. One long paragraph is not enough: on the benchmark, keeping
 * single-paragraph layout elements (summaries, meta boxes) cost more precision than it gained.
 */
export const LAYOUT_KEEP_PARAGRAPHS = 2;

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
  /** Prose characters credited by the paragraphs this element holds directly (see creditParents). */
  credit: number;
  /** Holds the headline or the main element: a page wrapper, never boilerplate. */
  anchor: boolean;
  /** Innermost ancestor with unlikely hints, if any: candidates inside a pruned one are out. */
  hinted: Element | null;
}

export interface DensityMap {
  stats: Map<Element, ElementStats>;
  /** Elements dropped as unlikely content: their text is not counted in their ancestors. */
  unlikely: Set<Element>;
}

/**
 * Elements whose presence marks a subtree as holding the article (see `anchor`). Not `article`:
 * comment threads and teaser lists mark up each entry as one.
 */
const ANCHOR_TAGS: ReadonlySet<string> = new Set(['h1', 'main']);

/** How strongly class, id and role say an element is not the article. */
type Hint = 'none' | 'layout' | 'unlikely';

/** `byClass`: the hints of class attributes seen so far on this page. */
function unlikelyHint(el: Element, tag: string, byClass: Map<string, Hint>): Hint {
  if (PROTECTED_TAGS.has(tag)) return 'none';
  const role = attr(el, 'role');
  if (role !== null && UNLIKELY_ROLES.has(role.toLowerCase())) return 'unlikely';
  // A page repeats a few classes on hundreds of elements: the hint of a class alone is looked up once.
  const cls = el.attribs['class'];
  if (cls === undefined || el.attribs['id'] !== undefined) return hintOf(classAndId(el));
  let hint = byClass.get(cls);
  if (hint === undefined) {
    hint = hintOf(classAndId(el));
    byClass.set(cls, hint);
  }
  return hint;
}

/** The hint of an element's lower-cased class and id (`classAndId`). */
function hintOf(hint: string): Hint {
  if (hint === '' || LIKELY_CONTENT.test(hint)) return 'none';
  if (UNLIKELY_SUBSTRINGS.test(hint) || UNLIKELY_TOKENS.test(hint)) return 'unlikely';
  if (LAYOUT_SUBSTRINGS.test(hint) || LAYOUT_TOKENS.test(hint)) return 'layout';
  return 'none';
}

/** Subheadings of a story are often classed "section-title" or "header": layout words don't remove them. */
const SUBHEADING_TAGS: ReadonlySet<string> = new Set(['h2', 'h3', 'h4', 'h5', 'h6']);

function shouldPrune(hint: Hint, s: ElementStats, tag: string): boolean {
  if (hint === 'none' || s.anchor) return false;
  if (hint === 'unlikely') return true;
  if (SUBHEADING_TAGS.has(tag)) return false;
  return s.prose < LAYOUT_KEEP_PROSE_SHARE * s.text || s.paragraphs < LAYOUT_KEEP_PARAGRAPHS;
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
  /** The run's first text is link text: the shape of a teaser ("<a>Headline</a> Summary..."). */
  runOpensWithLink: boolean;
}

/**
 * A prose run credits the element that holds its paragraph in full and the one above by half
 * (the paragraph's own element is `ctx.el`): the article container is the element that directly
 * holds many paragraphs, not a distant ancestor that also holds teasers and sidebars.
 */
function creditParents(ctx: RunContext, chars: number, stats: Map<Element, ElementStats>): void {
  const parent = ctx.el.parent;
  if (parent === null || !isElement(parent)) return;
  const parentStats = stats.get(parent);
  if (parentStats !== undefined) parentStats.credit += chars;
  const grandparent = parent.parent;
  if (grandparent === null || !isElement(grandparent)) return;
  const grandparentStats = stats.get(grandparent);
  if (grandparentStats !== undefined) grandparentStats.credit += chars * GRANDPARENT_CREDIT;
}

function closeRun(ctx: RunContext, stats: ElementStats, all: Map<Element, ElementStats>): void {
  const { runText, runLink, runOpensWithLink } = ctx;
  ctx.runText = 0;
  ctx.runLink = 0;
  ctx.runOpensWithLink = false;
  if (runText === 0) return;
  const minimum = ctx.inParagraph ? MIN_PROSE_CHARS_IN_P : MIN_PROSE_CHARS;
  const maxLinkDensity = runOpensWithLink ? MAX_TEASER_LINK_DENSITY : MAX_PROSE_LINK_DENSITY;
  if (runText >= minimum && runLink / runText <= maxLinkDensity) {
    stats.prose += runText;
    stats.paragraphs++;
    creditParents(ctx, runText, all);
  }
}

/** Measures every element under `document`; `pruneUnlikely` drops hinted boilerplate first. */
export function measure(document: Document, pruneUnlikely: boolean): DensityMap {
  const stats = new Map<Element, ElementStats>();
  const unlikely = new Set<Element>();
  const contexts: RunContext[] = [];
  const hintedStack: Element[] = [];
  const hints = new Map<Element, Hint>();
  const hintByClass = new Map<string, Hint>();
  let linkDepth = 0;
  // Entries: a node to enter, or (exit = true) an element to close. Two parallel arrays rather
  // than an object per entry: the walk visits every node of the page twice.
  const stack: AnyNode[] = [];
  const exits: boolean[] = [];
  for (let i = document.children.length - 1; i >= 0; i--) {
    stack.push(document.children[i] as AnyNode);
    exits.push(false);
  }

  while (stack.length > 0) {
    const node = stack.pop() as AnyNode;
    const exit = exits.pop() as boolean;
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
        if (ctx.runText === 0 && linkDepth > 0) ctx.runOpensWithLink = true;
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
        closeRun(ctx, own, stats);
      }
      const parent = el.parent;
      const parentStats = parent !== null && isElement(parent) ? stats.get(parent) : undefined;
      if (parentStats !== undefined && (own.anchor || ANCHOR_TAGS.has(tag))) parentStats.anchor = true;
      // A hinted element is pruned on the way out, once we know it is not a page wrapper that
      // happens to carry a word like "header" in its class.
      if (own.hinted === el && shouldPrune(hints.get(el) ?? 'none', own, tag)) {
        unlikely.add(el);
        hintedStack.pop();
        continue;
      }
      if (own.hinted === el) hintedStack.pop();
      if (parentStats !== undefined) {
        parentStats.text += own.text;
        parentStats.link += own.link;
        parentStats.prose += own.prose;
        parentStats.paragraphs += own.paragraphs;
      }
      continue;
    }
    if (NEVER_CONTENT_TAGS.has(tag) || isHidden(el)) continue;
    const hint = pruneUnlikely ? unlikelyHint(el, tag, hintByClass) : 'none';
    if (hint !== 'none') {
      hintedStack.push(el);
      hints.set(el, hint);
    }
    stats.set(el, { text: 0, link: 0, prose: 0, paragraphs: 0, credit: 0, anchor: false, hinted: hintedStack[hintedStack.length - 1] ?? null });
    if (tag === 'a') linkDepth++;
    if (!INLINE_TAGS.has(tag)) {
      const outer = contexts[contexts.length - 1];
      if (outer !== undefined) closeRun(outer, stats.get(outer.el) as ElementStats, stats);
      contexts.push({ el, inParagraph: tag === 'p' || (outer?.inParagraph ?? false), runText: 0, runLink: 0, runOpensWithLink: false });
    }
    stack.push(el);
    exits.push(true);
    for (let i = el.children.length - 1; i >= 0; i--) {
      stack.push(el.children[i] as AnyNode);
      exits.push(false);
    }
  }
  return { stats, unlikely };
}
