/**
 * A content container to ordered body blocks. One iterative walk over the domhandler nodes (an
 * explicit stack, so a pathologically deep DOM cannot overflow the call stack): inline content
 * accumulates into a "run" that becomes a paragraph when a block boundary is met; headings,
 * lists, quotes, figures and table rows get their own block shapes.
 */
import type { AnyNode, Element } from 'domhandler';
import type { Block, BlockTag } from '../types.js';
import { BlockWriter } from './block-writer.js';
import {
  NEVER_CONTENT_TAGS, attr, classAndId, escapeAttribute, foldWhitespace, isElement,
  isHidden, isSmallForm, resolveUrl, tagName,
} from './dom.js';
import { firstImage, imageAddress } from './image.js';

export interface BlockOptions {
  baseUrl: string | null;
  /** Elements for which this returns true are left out with their subtree (boilerplate). */
  skip?: (el: Element) => boolean;
  /**
   * Asked of each element before `skip`, with the blocks so far: true ends the walk there (the
   * body stops at a "related stories" heading). Open lists and quotes are closed as usual.
   */
  stopAt?: (el: Element, blocksSoFar: readonly Block[]) => boolean;
}

/** Inline tags kept in `html`; any other inline element is unwrapped to its content. */
const KEPT_INLINE_TAGS: ReadonlySet<string> = new Set(['a', 'strong', 'em', 'b', 'i']);

/** Elements that end the current paragraph when they open and when they close. */
const BLOCK_BOUNDARY_TAGS: ReadonlySet<string> = new Set([
  'p', 'div', 'section', 'article', 'main', 'header', 'hgroup', 'address', 'center', 'dl', 'dt',
  'dd', 'pre', 'hr', 'details', 'summary', 'tr', 'tbody', 'thead', 'tfoot', 'caption', 'li',
  'figcaption', 'body', 'html',
]);

const HEADING_TAGS: Readonly<Record<string, BlockTag>> = { h2: 'h2', h3: 'h3', h4: 'h4', h5: 'h4', h6: 'h4' };

/**
 * Class/id words of elements that caption a photo without being a `<figcaption>`. A substring
 * match: camelCase class names ("imageEmbedCaption") are common.
 */
const CAPTION_HINT = /caption|credit/;
/** Longer than this, a caption-classed element is a region of the page, walked as usual. */
const MAX_CAPTION_CHARS = 500;

/** A table cell is laid out like a page region (and walked as one) past this many elements. */
const CELL_SCAN_LIMIT = 200;
const CELL_BLOCK_TAGS: ReadonlySet<string> = new Set(['p', 'div', 'table', 'ul', 'ol', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'br']);

type Exit =
  | { kind: 'inline-close'; tag: string }
  | { kind: 'boundary' }
  | { kind: 'heading' }
  | { kind: 'paragraph' }
  | { kind: 'list'; tag: 'ul' | 'ol' }
  | { kind: 'quote'; start: number }
  | { kind: 'table' };

interface StackEntry {
  node: AnyNode | null;
  exit: Exit | null;
}

/** Plain text of a subtree, iteratively, skipping what never holds content. */
export function textOf(root: Element): string {
  const parts: string[] = [];
  const stack: AnyNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as AnyNode;
    if (node.type === 'text') {
      parts.push((node as unknown as { data: string }).data);
      continue;
    }
    if (!isElement(node) || NEVER_CONTENT_TAGS.has(tagName(node))) continue;
    if (tagName(node) === 'br') parts.push(' ');
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as AnyNode);
  }
  return foldWhitespace(parts.join(' ').replace(/ {2,}/g, ' '));
}

function cellIsLayout(cell: Element): boolean {
  let seen = 0;
  const stack: Element[] = [cell];
  while (stack.length > 0) {
    const el = stack.pop() as Element;
    for (const child of el.children) {
      if (!isElement(child)) continue;
      if (CELL_BLOCK_TAGS.has(tagName(child)) || ++seen > CELL_SCAN_LIMIT) return true;
      stack.push(child);
    }
  }
  return false;
}

function figureCaption(figure: Element): string | null {
  const stack: Element[] = [figure];
  while (stack.length > 0) {
    const el = stack.pop() as Element;
    for (const child of el.children) {
      if (!isElement(child)) continue;
      if (tagName(child) === 'figcaption') {
        const text = textOf(child);
        return text === '' ? null : text;
      }
      stack.push(child);
    }
  }
  return null;
}

/** Opens an element: writes what it contributes now and returns what to do when it closes. */
function enter(el: Element, writer: BlockWriter, stack: StackEntry[]): void {
  const tag = tagName(el);
  if (NEVER_CONTENT_TAGS.has(tag) || isHidden(el) || (tag === 'form' && isSmallForm(el)) || (writer.skip !== undefined && writer.skip(el))) return;
  const pushChildren = (exit: Exit | null): void => {
    if (exit !== null) stack.push({ node: null, exit });
    for (let i = el.children.length - 1; i >= 0; i--) stack.push({ node: el.children[i] as AnyNode, exit: null });
  };

  if (tag === 'h1') {
    writer.flush();
    return;
  }
  const heading = HEADING_TAGS[tag];
  if (heading !== undefined) {
    writer.flush();
    writer.setHeading(heading);
    pushChildren({ kind: 'heading' });
    return;
  }
  if (KEPT_INLINE_TAGS.has(tag)) {
    if (tag === 'a') {
      const href = attr(el, 'href');
      const url = href === null || /^\s*(?:javascript|data|vbscript):/i.test(href) ? null : resolveUrl(href, writer.baseUrl);
      if (url === null || !/^https?:/i.test(url)) {
        pushChildren(null);
        return;
      }
      writer.appendHtml(`<a href="${escapeAttribute(url)}">`);
    } else {
      writer.appendHtml(`<${tag}>`);
    }
    pushChildren({ kind: 'inline-close', tag });
    return;
  }
  if (tag !== 'img' && tag !== 'figure') {
    const hint = classAndId(el);
    if (hint !== '' && CAPTION_HINT.test(hint) && firstImage(el) === null) {
      const text = textOf(el);
      if (text.length <= MAX_CAPTION_CHARS) {
        writer.caption(text);
        return;
      }
    }
  }
  switch (tag) {
    case 'br':
      if (writer.paragraphDepth > 0 || writer.tableDepth > 0 || writer.inHeading) writer.appendHtml('<br>', ' ');
      else writer.flush();
      return;
    case 'img': {
      const url = imageAddress(el, writer.baseUrl);
      if (url !== null) writer.figure(url, null);
      return;
    }
    case 'figure': {
      const img = firstImage(el);
      const url = img === null ? null : imageAddress(img, writer.baseUrl);
      if (url !== null) {
        writer.figure(url, figureCaption(el));
        return;
      }
      // A figure without a photo (a video, an embed, a chart table): walk it, caption aside.
      writer.flush();
      pushChildren({ kind: 'boundary' });
      return;
    }
    case 'figcaption':
      writer.caption(textOf(el));
      return;
    case 'ul':
    case 'ol':
      writer.flush();
      writer.lists.push({ tag, items: [] });
      pushChildren({ kind: 'list', tag });
      return;
    case 'blockquote':
      writer.flush();
      pushChildren({ kind: 'quote', start: writer.blocks.length });
      return;
    case 'table':
      writer.flush();
      writer.tableDepth++;
      pushChildren({ kind: 'table' });
      return;
    case 'td':
    case 'th':
      if (cellIsLayout(el)) {
        writer.flush();
        pushChildren({ kind: 'boundary' });
      } else {
        writer.appendText(' ');
        pushChildren(null);
      }
      return;
    case 'p':
      writer.flush();
      writer.paragraphDepth++;
      pushChildren({ kind: 'paragraph' });
      return;
    default:
      break;
  }
  if (BLOCK_BOUNDARY_TAGS.has(tag)) {
    writer.flush();
    pushChildren({ kind: 'boundary' });
    return;
  }
  pushChildren(null);
}

function leave(exit: Exit, writer: BlockWriter): void {
  switch (exit.kind) {
    case 'inline-close':
      writer.appendHtml(`</${exit.tag}>`);
      return;
    case 'paragraph':
      writer.paragraphDepth--;
      writer.flush();
      return;
    case 'list':
      writer.endList();
      return;
    case 'quote':
      writer.endQuote(exit.start);
      return;
    case 'table':
      writer.tableDepth--;
      writer.flush();
      return;
    case 'heading':
    case 'boundary':
      writer.flush();
      return;
  }
}

/**
 * The body blocks of a content container, in document order. `root` itself is walked (a `<p>`
 * root yields one paragraph); the h1 headline is dropped, it belongs to the title.
 */
export function elementToBlocks(root: Element, opts: BlockOptions): Block[] {
  const writer = new BlockWriter(opts.baseUrl, opts.skip);
  const stack: StackEntry[] = [{ node: root, exit: null }];
  let stopped = false;
  while (stack.length > 0) {
    const entry = stack.pop() as StackEntry;
    if (entry.exit !== null) {
      leave(entry.exit, writer);
      continue;
    }
    if (stopped) continue;
    const node = entry.node as AnyNode;
    if (node.type === 'text') writer.appendText((node as unknown as { data: string }).data);
    else if (isElement(node)) {
      if (opts.stopAt !== undefined && opts.stopAt(node, writer.blocks)) {
        // Unwind: still run the exits already on the stack so open lists and quotes are closed.
        stopped = true;
        writer.flush();
        continue;
      }
      enter(node, writer, stack);
    }
  }
  while (writer.lists.length > 0) writer.endList();
  writer.flush();
  return writer.blocks;
}
