/**
 * What "nothing gets in" means for an article's `html`, checked on the output re-parsed by both
 * parsers a reader might use: htmlparser2 (what newsworker itself parses with) and parse5 (what
 * browsers do, per the HTML standard). A list of violations, empty when the fragment is safe.
 */
import { load } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';

/** The allowlist of shared/spec/article.md, written out here rather than imported from the sanitizer. */
export const ARTICLE_TAGS: ReadonlySet<string> = new Set(
  'p h2 h3 h4 blockquote ul ol li a strong em b i figure img figcaption br'.split(' '),
);
const ARTICLE_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = { a: ['href'], img: ['src', 'alt'] };
const URL_ATTRIBUTES: ReadonlySet<string> = new Set(['href', 'src']);
const HTML_NAMESPACE = 'http://www.w3.org/1999/xhtml';

/** A URL attribute's value as a browser would act on it: entities decoded (by the parser), C0/space/C1 removed. */
export function isHttpUrl(value: string): boolean {
  const stripped = value.replace(/[\u0000-\u0020\u007f-\u009f]/g, '').toLowerCase();
  if (!/^https?:\/\//.test(stripped)) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function elementViolations(el: Element, parser: string): string[] {
  const out: string[] = [];
  const name = el.name.toLowerCase();
  const namespace = (el as Element & { namespace?: string }).namespace;
  if (namespace !== undefined && namespace !== HTML_NAMESPACE) out.push(`${parser}: <${name}> in namespace ${namespace}`);
  if (!ARTICLE_TAGS.has(name)) out.push(`${parser}: disallowed tag <${name}>`);
  const allowed = ARTICLE_ATTRIBUTES[name] ?? [];
  for (const [attr, value] of Object.entries(el.attribs)) {
    const lower = attr.toLowerCase();
    if (lower.startsWith('on')) out.push(`${parser}: event handler ${lower} on <${name}>`);
    else if (lower === 'style') out.push(`${parser}: style on <${name}>`);
    else if (!allowed.includes(lower)) out.push(`${parser}: disallowed attribute ${lower} on <${name}>`);
    if (URL_ATTRIBUTES.has(lower) && !isHttpUrl(value)) out.push(`${parser}: non-http(s) ${lower}=${JSON.stringify(value)} on <${name}>`);
  }
  return out;
}

function walk(nodes: readonly AnyNode[], parser: string, out: string[]): void {
  for (const node of nodes) {
    if (node.type === 'text') continue;
    if (node.type === 'tag' || node.type === 'script' || node.type === 'style') {
      out.push(...elementViolations(node as Element, parser));
      walk((node as Element).children, parser, out);
      const content = (node as Element & { 'x-content'?: { children: AnyNode[] } })['x-content'];
      if (content !== undefined) walk(content.children, parser, out); // <template> contents under parse5
    } else {
      out.push(`${parser}: ${node.type} node`); // comments, CDATA, processing instructions
    }
  }
}

export type ParserName = 'htmlparser2' | 'parse5';

/** The fragment parsed as a browser (parse5) or as newsworker (htmlparser2) would. */
export function parseFragment(html: string, parser: ParserName): readonly AnyNode[] {
  const $ =
    parser === 'parse5' ? load(html, null, false) : load(html, { xml: { xmlMode: false, decodeEntities: true } }, false);
  return $.root()[0]!.children;
}

/** Every way `html` breaks the article allowlist, under either parser. */
export function safetyViolations(html: string): string[] {
  const out: string[] = [];
  for (const parser of ['htmlparser2', 'parse5'] as const) walk(parseFragment(html, parser), parser, out);
  return out;
}

/** How many elements of each name the parser builds out of `html`. */
export function tagCounts(html: string, parser: ParserName): Map<string, number> {
  const counts = new Map<string, number>();
  const visit = (nodes: readonly AnyNode[]): void => {
    for (const node of nodes) {
      if (node.type === 'tag' || node.type === 'script' || node.type === 'style') {
        const name = (node as Element).name.toLowerCase();
        counts.set(name, (counts.get(name) ?? 0) + 1);
        visit((node as Element).children);
      }
    }
  };
  visit(parseFragment(html, parser));
  return counts;
}

/**
 * An element a browser would build that newsworker's parser does not see, or the other way round:
 * the mark of a mutation (markup hiding in text or an attribute that one parser reads and the other
 * does not). Counts differ legitimately for <p> (parse5 closes a <p> before a block and makes an
 * empty one of the stray </p>) and for formatting elements (parse5 reopens <b>, <a>... across block
 * boundaries), so what must match is the set of element names, and the number of images.
 */
export function parserDisagreement(html: string): string | null {
  const browser = tagCounts(html, 'parse5');
  const ours = tagCounts(html, 'htmlparser2');
  for (const name of new Set([...browser.keys(), ...ours.keys()])) {
    const [b, o] = [browser.get(name) ?? 0, ours.get(name) ?? 0];
    if ((b === 0) !== (o === 0) || (name === 'img' && b !== o)) return `<${name}>: parse5 builds ${b}, htmlparser2 ${o}`;
  }
  return null;
}
