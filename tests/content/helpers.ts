import type { Element } from 'domhandler';
import { parseHtml } from '../../src/pipeline/parse.js';

/** The first element matching `selector` in `html`, as a raw domhandler node. */
export function elementOf(html: string, selector: string): Element {
  const { $ } = parseHtml(html);
  const el = $(selector)[0];
  if (el === undefined) throw new Error(`no ${selector} in test html`);
  return el as unknown as Element;
}
