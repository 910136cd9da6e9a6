/**
 * Small helpers over raw domhandler nodes, shared by the block walker and the generic extractor.
 * They read `children`, `attribs` and `data` directly: cheerio wrappers cost an allocation per call,
 * which adds up in the per-node loops of the content stage.
 */
import type { AnyNode, Element } from 'domhandler';

/**
 * Elements whose subtree never holds article text. `form` is not here: ASP.NET sites wrap the
 * whole page in one; small forms (search, newsletter) are left out by `isSmallForm`.
 */
export const NEVER_CONTENT_TAGS: ReadonlySet<string> = new Set([
  'script', 'style', 'noscript', 'template', 'svg', 'math', 'button', 'iframe', 'nav',
  'aside', 'footer', 'select', 'option', 'textarea', 'input', 'label', 'object', 'embed', 'video',
  'audio', 'canvas', 'map', 'dialog', 'head', 'title', 'meta', 'link',
]);

export function isElement(node: AnyNode): node is Element {
  // domhandler gives <script> and <style> their own node types; both still count as elements.
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

/** The parser already lower-cases tag names in HTML mode (`lowerCaseTags`), so this is a read. */
export function tagName(el: Element): string {
  return el.name;
}

export function attr(el: Element, name: string): string | null {
  const value = el.attribs[name];
  return value === undefined ? null : value;
}

/**
 * Class tokens that label the story's taxonomy, not the element's role: WordPress and others put
 * "category-social-issues tag-comment" on the post container, which must not read as "social" or
 * "comment".
 */
const TAXONOMY_CLASS = /(?:^|\s)(?:(?:category|tag|format|status|type|tax|term|series|topic)-\S*|(?:post|postid|page|page-id)-\d+)(?=\s|$)/g;

/** `class` and `id` together, lower-cased, taxonomy labels removed: what the hints are matched against. */
export function classAndId(el: Element): string {
  const cls = el.attribs['class'];
  const id = el.attribs['id'];
  if (cls === undefined && id === undefined) return '';
  const classes = cls === undefined ? '' : cls.toLowerCase();
  return `${classes.includes('-') ? classes.replace(TAXONOMY_CLASS, ' ') : classes} ${id === undefined ? '' : id.toLowerCase()}`;
}

const HIDDEN_STYLE = /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)/i;

/** Hidden by markup: the `hidden` attribute, `aria-hidden`, or an inline `display:none`. */
export function isHidden(el: Element): boolean {
  const a = el.attribs;
  if (a['hidden'] !== undefined) return true;
  if (a['aria-hidden'] === 'true') return true;
  const style = a['style'];
  return style !== undefined && HIDDEN_STYLE.test(style);
}

/** Whitespace `foldWhitespace` would change: anything but a lone space (zero-width space included). */
const UNFOLDED_SPACE = /[^\S ]|\u200b| {2}/;

/** Folds every run of whitespace (NBSP included) into one space and trims. */
export function foldWhitespace(text: string): string {
  // Replacing every single space copies the text even when nothing changes.
  return (UNFOLDED_SPACE.test(text) ? text.replace(/[\s\u200b\ufeff]+/g, ' ') : text).trim();
}

export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}

/**
 * Resolves a link or image address against the page URL. Without a base only absolute and
 * protocol-relative addresses survive as absolute; a relative one is kept as written.
 */
export function resolveUrl(raw: string, baseUrl: string | null): string | null {
  const trimmed = raw.trim();
  if (trimmed === '') return null;
  try {
    if (baseUrl !== null) return new URL(trimmed, baseUrl).href;
    if (trimmed.startsWith('//')) return new URL(`https:${trimmed}`).href;
    return new URL(trimmed).href;
  } catch {
    return baseUrl === null ? trimmed : null;
  }
}

/** A form without paragraphs (search box, sign-up, login) rather than a page-wrapping one. */
export function isSmallForm(form: Element): boolean {
  const stack: Element[] = [form];
  while (stack.length > 0) {
    const el = stack.pop() as Element;
    for (const child of el.children) {
      if (!isElement(child)) continue;
      if (child.name === 'p' || child.name === 'article') return false;
      stack.push(child);
    }
  }
  return true;
}
