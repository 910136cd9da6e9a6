/**
 * One walk over the parsed document that gathers every raw metadata signal: meta tags, link
 * rel=canonical, JSON-LD script texts, `<title>`, `<html lang>`, the first h1, `<time>` elements
 * and itemprop values. Everything later reads these maps instead of running selectors, which
 * keeps the stage at a fraction of a millisecond per page.
 */
import type { ChildNode, Document, Element, Text } from 'domhandler';
import { textContent } from 'domutils';

export interface PageSignals {
  /** Meta tag contents by lower-cased name, property, itemprop and http-equiv, in page order. */
  meta: Map<string, string[]>;
  /** `<link rel=canonical>` hrefs in page order. */
  canonicals: string[];
  /** Text of each `<script type=application/ld+json>`. */
  jsonLd: string[];
  title: string | null;
  htmlLang: string | null;
  /** The first h1 inside `<article>`, else the first h1 of the page. */
  heading: string | null;
  /** `datetime` of the first `<time>` inside `<article>` or marked as the publication time. */
  timeDatetime: string | null;
  /** Values of body elements carrying `itemprop`, by lower-cased itemprop, in page order. */
  itemprops: Map<string, string[]>;
  /** Texts of `rel=author` links: a byline fallback. */
  authorLinks: string[];
}

/** Itemprops read from body elements (meta tags are collected whatever their key). */
const BODY_ITEMPROPS = new Set(['datepublished', 'datemodified', 'author', 'headline']);
/** Longest text taken from a body element as an itemprop value; longer is a container. */
const MAX_ITEMPROP_TEXT = 200;

export function collectSignals(document: Document): PageSignals {
  const signals: PageSignals = {
    meta: new Map(),
    canonicals: [],
    jsonLd: [],
    title: null,
    htmlLang: null,
    heading: null,
    timeDatetime: null,
    itemprops: new Map(),
    authorLinks: [],
  };
  const walk = new SignalWalk(signals);
  walk.run(document);
  signals.heading = walk.articleHeading ?? walk.firstHeading;
  signals.timeDatetime = walk.articleTime ?? walk.markedTime;
  return signals;
}

class SignalWalk {
  firstHeading: string | null = null;
  articleHeading: string | null = null;
  articleTime: string | null = null;
  markedTime: string | null = null;

  constructor(private readonly signals: PageSignals) {}

  /**
   * Pre-order, with an explicit stack rather than recursion: tag soup can nest elements ten
   * thousand levels deep, which would overflow the call stack.
   */
  run(root: Document): void {
    const stack: Element[] = [];
    const inArticle: boolean[] = [];
    const pushChildren = (nodes: ChildNode[], flag: boolean): void => {
      for (let i = nodes.length - 1; i >= 0; i--) {
        const node = nodes[i]!;
        if (node.type === 'tag' || node.type === 'script') {
          stack.push(node as Element);
          inArticle.push(flag);
        }
      }
    };
    pushChildren(root.children, false);
    while (stack.length > 0) {
      const el = stack.pop()!;
      const descend = this.element(el, inArticle.pop()!);
      if (descend !== null) pushChildren(el.children, descend);
    }
  }

  /** Records what the element says; returns whether its children are inside an article, or null to skip them. */
  private element(el: Element, inArticle: boolean): boolean | null {
    const name = el.name;
    const attribs = el.attribs;
    switch (name) {
      case 'meta':
        this.meta(attribs);
        return null;
      case 'link':
        if (attribs.href !== undefined && /(?:^|\s)canonical(?:\s|$)/i.test(attribs.rel ?? '')) {
          this.signals.canonicals.push(attribs.href);
        }
        return null;
      case 'script':
        if ((attribs.type ?? '').toLowerCase().trim() === 'application/ld+json') {
          this.signals.jsonLd.push(textContent(el));
        }
        return null;
      case 'title':
        // An <svg><title> is skipped with its svg; the first document title wins.
        this.signals.title ??= textContent(el);
        return null;
      case 'html':
        this.signals.htmlLang ??= attribs.lang ?? attribs['xml:lang'] ?? null;
        break;
      case 'h1':
        if (this.firstHeading === null) this.firstHeading = folded(el);
        if (inArticle && this.articleHeading === null) this.articleHeading = folded(el);
        break;
      case 'time':
        if (attribs.datetime !== undefined) this.time(attribs, inArticle);
        break;
      case 'article':
        inArticle = true;
        break;
      case 'a':
        if (attribs.rel !== undefined && /(?:^|\s)author(?:\s|$)/i.test(attribs.rel)) {
          this.signals.authorLinks.push(folded(el));
        }
        break;
      // Subtrees that hold no metadata: not walked.
      case 'style':
      case 'noscript':
      case 'svg':
      case 'template':
      case 'iframe':
      case 'select':
      case 'textarea':
      case 'button':
        return null;
    }
    if (attribs.itemprop !== undefined) this.itemprop(el);
    return inArticle;
  }

  private meta(attribs: Record<string, string>): void {
    const content = attribs.content ?? attribs.value;
    if (content === undefined) return;
    // One tag may carry several keys (`name="description" property="og:description"`).
    for (const key of [attribs.property, attribs.name, attribs['http-equiv']]) {
      if (key !== undefined && key !== '') push(this.signals.meta, key.toLowerCase(), content);
    }
    // itemprop is a list: itemprop="datePublished dateCreated".
    if (attribs.itemprop !== undefined) {
      for (const prop of attribs.itemprop.toLowerCase().split(/\s+/)) {
        if (prop !== '') push(this.signals.meta, prop, content);
      }
    }
  }

  private time(attribs: Record<string, string>, inArticle: boolean): void {
    const datetime = attribs.datetime!;
    const marked =
      attribs.pubdate !== undefined ||
      /published|pubdate/i.test(attribs.class ?? '') ||
      (attribs.itemprop ?? '').toLowerCase() === 'datepublished';
    if (marked) this.markedTime ??= datetime;
    if (inArticle) this.articleTime ??= datetime;
  }

  private itemprop(el: Element): void {
    const attribs = el.attribs;
    for (const prop of attribs.itemprop!.toLowerCase().split(/\s+/)) {
      if (!BODY_ITEMPROPS.has(prop)) continue;
      const value = attribs.content ?? attribs.datetime ?? folded(el);
      if (value !== '' && value.length <= MAX_ITEMPROP_TEXT) push(this.signals.itemprops, prop, value);
    }
  }
}

/** Longest text read from an h1, a link or an itemprop element; the rest is not a headline or a name. */
const MAX_TEXT = 400;

/**
 * The element's text, whitespace folded, read iteratively and only up to MAX_TEXT characters:
 * an itemprop on a page-wide container must not cost a walk of the whole page.
 */
function folded(el: Element): string {
  let text = '';
  const stack: ChildNode[] = [el];
  while (stack.length > 0 && text.length <= MAX_TEXT) {
    const node = stack.pop()!;
    if (node.type === 'text') text += (node as Text).data;
    else if (node.type === 'tag') {
      const children = (node as Element).children;
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
  }
  return text.replace(/\s+/g, ' ').trim();
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
