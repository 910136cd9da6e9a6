/**
 * Stage 6, sanitize: body blocks to the article's `html`, holding only what the article format
 * allows (shared/spec/article.md): the tags below, `a[href]` and `img[src, alt]`, links absolute and
 * http(s) only. Everything else goes: styles, classes, ids, event handlers, and disallowed tags,
 * whose text is kept unless they are containers of code or widgets (script, iframe, svg, form...),
 * which go whole. Sanitizing the output again changes nothing.
 */
import sanitize from 'sanitize-html';
import type { ArticleImage } from '../article.js';
import { sanitizedForm } from './sanitized-form.js';
import type { Block } from './types.js';

export interface SanitizeOptions {
  /** The page's URL, against which relative links and image sources are resolved; null drops them. */
  baseUrl: string | null;
}

/** The tags the article's `html` may hold (the block vocabulary plus inline markup). */
export const ALLOWED_TAGS: readonly string[] = [
  'p', 'h2', 'h3', 'h4', 'blockquote', 'ul', 'ol', 'li', 'a', 'strong', 'em', 'b', 'i',
  'figure', 'img', 'figcaption', 'br',
];

/** Disallowed tags whose content is code, widgets or fallbacks, never article text. */
const DROPPED_WITH_CONTENT = [
  'script', 'style', 'iframe', 'svg', 'math', 'form', 'noscript', 'template',
  'textarea', 'option', 'select', 'button', 'title', 'object', 'canvas', 'video', 'audio',
];

const SAFE_SCHEMES = new Set(['http:', 'https:']);

/** The elements removed after sanitizing when they hold nothing but whitespace and line breaks. */
const EMPTIABLE_TAGS: ReadonlySet<string> = new Set([
  'p', 'h2', 'h3', 'h4', 'blockquote', 'ul', 'ol', 'li', 'strong', 'em', 'b', 'i', 'figure', 'figcaption', 'a',
]);

/**
 * The base of the call in progress. sanitize-html takes its transforms in the options object, which
 * is built once; sanitizing is synchronous, so one module-level slot serves every call.
 */
let currentBase: URL | null = null;

/** An absolute http(s) URL for `raw`, or undefined when it is relative without a base, or unsafe. */
function safeUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  let url: URL;
  try {
    // The URL parser strips the tabs and newlines that hide `java\tscript:` from naive checks.
    url = currentBase === null ? new URL(raw) : new URL(raw, currentBase);
  } catch {
    return undefined;
  }
  return SAFE_SCHEMES.has(url.protocol) ? url.href : undefined;
}

const SANITIZE_OPTIONS: sanitize.IOptions = {
  allowedTags: [...ALLOWED_TAGS],
  allowedAttributes: { a: ['href'], img: ['src', 'alt'] },
  allowedClasses: {},
  allowedStyles: {},
  allowedSchemes: ['http', 'https'],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: DROPPED_WITH_CONTENT,
  // Renaming a tag here trips a sanitize-html bug (the new name leaks to the next sibling's closing
  // tag), so unsafe links and images lose their attribute here and `exclusiveFilter` removes them.
  transformTags: {
    a: (tagName, attribs) => {
      const href = safeUrl(attribs['href']);
      const kept: sanitize.Attributes = href === undefined ? {} : { href };
      return { tagName, attribs: kept };
    },
    img: (tagName, attribs) => {
      const src = safeUrl(attribs['src']);
      const kept: sanitize.Attributes = src === undefined ? {} : { src, alt: attribs['alt'] ?? '' };
      return { tagName, attribs: kept };
    },
  },
  exclusiveFilter: (frame) => {
    // A link with no usable target keeps its text: the sentence still reads.
    if (frame.tag === 'a' && frame.attribs['href'] === undefined) return 'excludeTag';
    return frame.tag === 'img' && frame.attribs['src'] === undefined;
  },
};

/** Sanitizes a raw HTML fragment to the article allowlist. */
export function sanitizeHtml(html: string, opts: SanitizeOptions): string {
  return sanitizeWith(html, opts, true);
}

/** {@link sanitizeHtml} with sanitize-html on every input: the reference the shortcut is tested against. */
export function sanitizeHtmlWithLibrary(html: string, opts: SanitizeOptions): string {
  return sanitizeWith(html, opts, false);
}

function sanitizeWith(html: string, opts: SanitizeOptions, shortcut: boolean): string {
  currentBase = parseBase(opts.baseUrl);
  try {
    // Markup already in the sanitizer's output form (the rendered blocks, nearly always) is
    // recognised in one scan instead of being parsed and written again.
    const first = shortcut ? sanitizedForm(html, safeUrl) : null;
    let out = first === null ? sanitizeOnce(html) : removeEmptyElements(first).trim();
    // A disallowed element between two <p> keeps the parser from closing the first one, and
    // unwrapping it leaves <p><p>…</p></p>, which parses differently next time. Sanitizing that
    // output again gives what any later pass will; it takes two passes at most in practice.
    for (let pass = 0; pass < 3 && reparsesDifferently(out); pass++) out = sanitizeOnce(out);
    return out;
  } finally {
    currentBase = null;
  }
}

function sanitizeOnce(html: string): string {
  return removeEmptyElements(sanitize(html, SANITIZE_OPTIONS)).trim();
}

const INLINE_TAGS = new Set(['a', 'strong', 'em', 'b', 'i']);

/** sanitize-html's output: tags (attribute values have < and > escaped) and the text between them. */
const OUTPUT_TOKEN = /<(\/?)([a-z0-9]+)(?:\s[^>]*)?>|[^<]+|</g;

interface OpenElement {
  tag: string;
  open: string;
  inner: string;
  /** Holds text or an image, not only whitespace and <br />. */
  filled: boolean;
}

/**
 * Removes the elements that hold nothing but whitespace and line breaks, and then their parents
 * if that leaves them empty (`<ul><li></li></ul>`). Removed after sanitizing: sanitize-html's own
 * frame text does not count the text of unwrapped children, so an emptiness test inside it would
 * drop real paragraphs. One pass with a stack of open elements: repeating a regex until nothing
 * changes took one pass per level of nesting, quadratic in the depth (8 s for 20,000 nested <b>).
 */
function removeEmptyElements(html: string): string {
  const root: OpenElement = { tag: '', open: '', inner: '', filled: true };
  const stack: OpenElement[] = [root];
  for (const [token, slash, name] of html.matchAll(OUTPUT_TOKEN)) {
    const top = stack[stack.length - 1]!;
    if (name !== undefined && EMPTIABLE_TAGS.has(name) && slash === '') {
      stack.push({ tag: name, open: token, inner: '', filled: false });
    } else if (name !== undefined && slash === '/' && name === top.tag && stack.length > 1) {
      stack.pop();
      const parent = stack[stack.length - 1]!;
      if (top.filled) {
        parent.inner += `${top.open}${top.inner}${token}`;
        parent.filled = true;
      } else {
        // An empty inline element may be all that separates two words: its whitespace stays.
        parent.inner += INLINE_TAGS.has(top.tag) && top.inner !== '' ? ' ' : '';
      }
    } else {
      top.inner += token;
      if (name === undefined ? token.trim() !== '' : name !== 'br') top.filled = true;
    }
  }
  // Balanced input leaves only the root; anything left open is kept as it was.
  while (stack.length > 1) {
    const top = stack.pop()!;
    stack[stack.length - 1]!.inner += top.open + top.inner;
  }
  return root.inner;
}

/** Blocks whose start tag closes an open <p> when the parser meets it directly inside one. */
const CLOSES_P: ReadonlySet<string> = new Set(['p', 'h2', 'h3', 'h4', 'blockquote', 'ul', 'ol', 'figure', 'figcaption']);

/** True when the output holds an element the parser would close early: a block in a <p>, an <li> in an <li>. */
function reparsesDifferently(html: string): boolean {
  const open: string[] = [];
  for (const [, slash, name] of html.matchAll(OUTPUT_TOKEN)) {
    if (name === undefined || name === 'br' || name === 'img') continue;
    const top = open[open.length - 1];
    if (slash === '/') {
      if (top === name) open.pop();
      continue;
    }
    if ((top === 'p' && CLOSES_P.has(name)) || (top === 'li' && name === 'li')) return true;
    open.push(name);
  }
  return false;
}

function parseBase(baseUrl: string | null): URL | null {
  if (baseUrl === null) return null;
  try {
    const url = new URL(baseUrl);
    return SAFE_SCHEMES.has(url.protocol) ? url : null;
  } catch {
    return null;
  }
}

/** The article's `html`: each block rendered as its tag, one per line, then sanitized. */
export function renderBlocksHtml(blocks: Block[], opts: SanitizeOptions): string {
  return sanitizeHtml(renderUnsanitized(blocks), opts);
}

/** The blocks as HTML before sanitizing: what {@link renderBlocksHtml} hands the sanitizer. */
export function renderUnsanitized(blocks: readonly Block[]): string {
  const parts: string[] = [];
  for (const block of blocks) {
    const html = blockHtml(block);
    if (html !== '') parts.push(html);
  }
  return parts.join('\n');
}

function blockHtml(block: Block): string {
  if (block.tag === 'figure') return figureHtml(block.image ?? null, block.image?.caption ?? null);
  // A caption outside a figure is still a caption: rendered as one, beside its photo if known.
  if (block.caption === true) return figureHtml(block.image ?? null, block.text);
  const inner = block.html !== '' ? block.html : innerFromText(block);
  return inner === '' ? '' : `<${block.tag}>${inner}</${block.tag}>`;
}

function innerFromText(block: Block): string {
  if (block.tag === 'ul' || block.tag === 'ol') {
    return block.text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => `<li>${escapeText(line)}</li>`)
      .join('');
  }
  return escapeText(block.text);
}

function figureHtml(image: ArticleImage | null, caption: string | null): string {
  const url = image?.url ?? null;
  // The credit stays out: it is stored in `images[].credit`, and the spec keeps "(AFP-Yonhap)"
  // tails out of `html` as well as `text`.
  const captionText = caption ?? '';
  if (url === null && captionText === '') return '';
  const img = url === null ? '' : `<img src="${escapeAttribute(url)}" alt="${escapeAttribute(caption ?? '')}">`;
  const figcaption = captionText === '' ? '' : `<figcaption>${escapeText(captionText)}</figcaption>`;
  return `<figure>${img}${figcaption}</figure>`;
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}
