/**
 * The output side of the block walk: accumulates inline content into a run and turns runs into
 * paragraphs, headings, list items, quotes, figures and captions as the walker meets boundaries.
 */
import type { Element } from 'domhandler';
import type { Block, BlockTag } from '../types.js';
import { escapeText, foldWhitespace } from './dom.js';

export class BlockWriter {
  readonly blocks: Block[] = [];
  private text: string[] = [];
  private html: string[] = [];
  private heading: BlockTag | null = null;
  /** Depth of `<p>` elements being walked: a `<br>` inside one is a line break, not a new block. */
  paragraphDepth = 0;
  /** Items of the lists being walked, innermost last. Nested list items join the outer list. */
  readonly lists: { tag: 'ul' | 'ol'; items: { text: string; html: string }[] }[] = [];
  tableDepth = 0;
  private pendingFigures: Block[] = [];

  constructor(
    readonly baseUrl: string | null,
    readonly skip: ((el: Element) => boolean) | undefined,
  ) {}

  appendText(raw: string): void {
    this.text.push(raw);
    // Whitespace is collapsed once per run, in flushRun.
    this.html.push(escapeText(raw));
  }

  appendHtml(markup: string, textEquivalent = ''): void {
    this.html.push(markup);
    if (textEquivalent !== '') this.text.push(textEquivalent);
  }

  setHeading(tag: BlockTag): void {
    this.heading = tag;
  }

  get inHeading(): boolean {
    return this.heading !== null;
  }

  /** Ends the current run: it becomes a paragraph, a heading or a list item. */
  flush(): void {
    this.flushRun();
    if (this.pendingFigures.length > 0 && this.paragraphDepth === 0) {
      this.blocks.push(...this.pendingFigures);
      this.pendingFigures = [];
    }
  }

  private flushRun(): void {
    if (this.text.length === 0 && this.html.length === 0) return;
    const text = foldWhitespace(this.text.join(''));
    const parts = this.html;
    this.text = [];
    this.html = [];
    const heading = this.heading;
    this.heading = null;
    // Runs of only whitespace and markup are common between blocks; their html is never used.
    if (text === '') return;
    const html = trimBreaks(parts.join('').replace(/\s+/g, ' '));
    const list = this.lists[this.lists.length - 1];
    if (list !== undefined && heading === null) {
      list.items.push({ text, html });
      return;
    }
    const last = this.blocks[this.blocks.length - 1];
    // Pages often print a photo's caption again as a paragraph right under it.
    const repeatsCaption = heading === null && last?.tag === 'figure' && last.image?.caption === text;
    this.blocks.push(repeatsCaption ? { tag: 'p', text, html, caption: true } : { tag: heading ?? 'p', text, html });
  }

  endList(): void {
    this.flush();
    const list = this.lists.pop();
    if (list === undefined || list.items.length === 0) return;
    const outer = this.lists[this.lists.length - 1];
    if (outer !== undefined) {
      outer.items.push(...list.items);
      return;
    }
    this.blocks.push({
      tag: list.tag,
      text: list.items.map((item) => item.text).join('\n'),
      html: list.items.map((item) => `<li>${item.html}</li>`).join(''),
    });
  }

  /** Folds the blocks written since `start` into one blockquote; figures stay separate blocks. */
  endQuote(start: number): void {
    this.flush();
    const inner = this.blocks.splice(start);
    const textual = inner.filter((block) => block.tag !== 'figure' && block.caption !== true);
    if (textual.length > 0) {
      this.blocks.push({
        tag: 'blockquote',
        text: textual.map((block) => block.text).join('\n'),
        html: textual.length === 1 ? (textual[0] as Block).html : textual.map((block) => `<p>${block.html}</p>`).join(''),
      });
    }
    for (const block of inner) if (block.tag === 'figure' || block.caption === true) this.blocks.push(block);
  }

  figure(url: string | null, caption: string | null): void {
    const block: Block = { tag: 'figure', text: '', html: '', image: { url, caption, credit: null }, caption: true };
    // A photo inside a paragraph must not cut the paragraph in two: it follows the paragraph.
    if (this.paragraphDepth > 0) {
      this.pendingFigures.push(block);
      return;
    }
    this.flush();
    this.blocks.push(block);
  }

  /** A caption outside a `<figure>`: attached to the photo just before it, else kept as a caption block. */
  caption(text: string): void {
    this.flush();
    if (text === '') return;
    const last = this.blocks[this.blocks.length - 1];
    if (last !== undefined && last.tag === 'figure' && last.image !== undefined && last.image.caption === null) {
      last.image.caption = text;
      return;
    }
    this.blocks.push({ tag: 'p', text, html: escapeText(text), caption: true });
  }
}

const BR = '<br>';

/**
 * Drops the spaces and `<br>`s at both ends of a run's markup, whose whitespace is already folded
 * to single spaces. Two short loops: the equivalent pattern tried its trailing branch at every
 * position of the run.
 */
export function trimBreaks(html: string): string {
  let start = 0;
  let end = html.length;
  for (;;) {
    if (start < end && html.charCodeAt(start) === 0x20) start++;
    else if (end - start >= BR.length && html.startsWith(BR, start)) start += BR.length;
    else break;
  }
  for (;;) {
    if (end > start && html.charCodeAt(end - 1) === 0x20) end--;
    else if (end - start >= BR.length && html.endsWith(BR, end)) end -= BR.length;
    else break;
  }
  return start === 0 && end === html.length ? html : html.slice(start, end);
}
