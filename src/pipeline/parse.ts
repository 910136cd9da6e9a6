/**
 * Stage 2, parse: text to a DOM of domhandler nodes, the tree cheerio itself works on.
 *
 * The tree is built by htmlparser2's tokenizer feeding domhandler, which is what cheerio's
 * htmlparser2 backend does. package.json pins htmlparser2 to the version cheerio depends on, so
 * there is one parser: the page's tree and the fragments a site rule builds through `$` come out of
 * the same one (htmlparser2 12 builds a different tree from some markup: `<!-- a --!>`, nested
 * headings and links, `<image>`). parse5 parsed the shared dataset at about 75 pages/s against 550,
 * and the speed target of >= 300 pages/s leaves no room for it. htmlparser2 is forgiving enough
 * for the tag soup of news sites. Its tokenizer is subclassed to skip plain runs of text natively
 * (skipping-tokenizer.ts): the same tree, in about two thirds of the time.
 *
 * The cheerio API over that tree is made only when a stage asks for `$` (site rules select with
 * CSS): the generic stages walk the nodes directly and never need it. `load(document)` on a parsed
 * tree costs microseconds.
 */
import { load, type CheerioAPI } from 'cheerio';
import { DomHandler, type Document } from 'domhandler';
import { PageParser, PageTokenizer, skippingTokenizerInUse } from './skipping-tokenizer.js';

export interface ParsedPage {
  readonly document: Document;
  /** cheerio over `document`, made on first use. */
  readonly $: CheerioAPI;
}

/** HTML mode, entities decoded: the options cheerio's htmlparser2 backend parses with. */
const PARSE_OPTIONS = { xmlMode: false, decodeEntities: true } as const;
/** The same, with the tokenizer that skips plain runs of text (see skipping-tokenizer.ts). */
const PARSER_OPTIONS = { ...PARSE_OPTIONS, Tokenizer: PageTokenizer };

/**
 * `html`: the page, whole or in pieces (decode.ts hands over pieces of 32 Ki characters, which V8
 * makes far more cheaply than one large string). The parser reads pieces as a stream: a text, tag
 * or entity cut between two pieces comes out whole, the same tree as from the joined text.
 */
export function parseHtml(html: string | readonly string[]): ParsedPage {
  const handler = new DomHandler(undefined, PARSE_OPTIONS);
  const parser = new PageParser(handler, PARSER_OPTIONS);
  // The stock tokenizer (the fallback) ends a page cut inside a tag differently when fed pieces
  // (see skipping-tokenizer.ts, handleTrailingData): it gets the page whole.
  if (typeof html === 'string') parser.end(html);
  else if (!skippingTokenizerInUse) parser.end(html.join(''));
  else {
    for (const piece of html) parser.write(piece);
    parser.end();
  }
  const document = handler.root;
  // The parser, its tokenizer and the handler still point at the tree and the text. They are
  // garbage now, but optimized code can keep a reference to one of them (weak, which V8's young
  // collector treats as strong) and with it the whole page. reset() lets go of both.
  parser.reset();
  return new LazyCheerioPage(document);
}

/**
 * A class, not an object literal with a `get $()` closure: V8 keeps a literal's getter in the
 * hidden class the next page's literal shares, and minor GCs take that as a strong reference, so
 * each finished page (its tree and its whole text, ~0.7 MB) stayed alive until the next young-
 * generation collection and was copied and promoted there. That was most of the collector's work
 * in a run of extractions (tests/pipeline/parse-retention.test.ts).
 */
class LazyCheerioPage implements ParsedPage {
  #api: CheerioAPI | undefined;

  constructor(readonly document: Document) {}

  get $(): CheerioAPI {
    this.#api ??= load(this.document, { xml: PARSE_OPTIONS });
    return this.#api;
  }
}
