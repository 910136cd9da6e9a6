/**
 * Stage 2, parse: text to a DOM of domhandler nodes, the tree cheerio itself works on.
 *
 * The tree is built by htmlparser2's tokenizer feeding domhandler, which is what cheerio's
 * htmlparser2 backend does. package.json pins htmlparser2 to the version cheerio depends on, so
 * there is one parser: the page's tree and the fragments a site rule builds through `$` come out of
 * the same one (htmlparser2 12 builds a different tree from some markup: `<!-- a --!>`, nested
 * headings and links, `<image>`). parse5 parsed the shared dataset at about 75 pages/s against 550,
 * and the speed target of >= 300 pages/s leaves no room for it. htmlparser2 is forgiving enough
 * for the tag soup of news sites.
 *
 * The cheerio API over that tree is made only when a stage asks for `$` (site rules select with
 * CSS): the generic stages walk the nodes directly and never need it. `load(document)` on a parsed
 * tree costs microseconds.
 */
import { load, type CheerioAPI } from 'cheerio';
import { DomHandler, type Document } from 'domhandler';
import { Parser } from 'htmlparser2';

export interface ParsedPage {
  readonly document: Document;
  /** cheerio over `document`, made on first use. */
  readonly $: CheerioAPI;
}

/** HTML mode, entities decoded: the options cheerio's htmlparser2 backend parses with. */
const PARSE_OPTIONS = { xmlMode: false, decodeEntities: true } as const;

export function parseHtml(html: string): ParsedPage {
  const handler = new DomHandler(undefined, PARSE_OPTIONS);
  new Parser(handler, PARSE_OPTIONS).end(html);
  const document = handler.root;
  let api: CheerioAPI | undefined;
  return {
    document,
    get $() {
      api ??= load(document, { xml: PARSE_OPTIONS });
      return api;
    },
  };
}
