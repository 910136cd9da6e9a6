/**
 * htmlparser2's tokenizer, made to skip the runs of characters that cannot change its state with
 * `String.prototype.indexOf` instead of visiting them one by one.
 *
 * Why: parsing is the largest share of an extraction, and most of it is the tokenizer's
 * character loop. With entities decoded (as cheerio parses), htmlparser2 reads text and attribute
 * values a character at a time, looking for `<`, `&` or the closing quote; its own fast-forward,
 * used inside scripts, styles and comments, is a JavaScript loop too. V8's `indexOf` scans a
 * string natively. On the shared dataset the parse takes about two thirds of the time (0.89-1.01
 * against 1.38-1.51 ms a page, interleaved runs); the tree is the same
 * (tests/pipeline/skipping-tokenizer.test.ts compares it with the stock tokenizer's, on the
 * dataset's pages and on generated markup).
 *
 * Three methods skip, and each keeps its method's contract: from the character it is given, it
 * moves `index` to the next character the stock method would act on, then lets the stock method
 * act on it. A fourth, `handleTrailingData`, makes a page fed in pieces end as the whole page
 * does (see there). These methods are internal to htmlparser2 (the version is pinned in
 * package.json): when they are missing, as after an upgrade that reshapes the tokenizer, the stock
 * tokenizer is used unchanged and `skippingTokenizerInUse` says so (a test fails on it).
 */
import { Parser, Tokenizer } from 'htmlparser2';

const LESS_THAN = 0x3c;
const AMPERSAND = 0x26;
const DOUBLE_QUOTE = 0x22;

/** The tokenizer's internals this subclass reads and overrides (private in its typings). */
interface TokenizerInternals {
  buffer: string;
  /** Position in the whole input; `buffer` starts at `offset`. */
  index: number;
  offset: number;
  /** Where the section being read starts, in the whole input; -1 between sections of a tag. */
  sectionStart: number;
  write(chunk: string): void;
  stateText(c: number): void;
  handleInAttributeValue(c: number, quote: number): void;
  fastForwardTo(c: number): boolean;
  handleTrailingData(): void;
}

type TokenizerOptions = ConstructorParameters<typeof Tokenizer>[0];
type TokenizerCallbacks = ConstructorParameters<typeof Tokenizer>[1];

const StockTokenizer = Tokenizer as unknown as new (options: TokenizerOptions, cbs: TokenizerCallbacks) => TokenizerInternals;

const hasInternals = ['stateText', 'handleInAttributeValue', 'fastForwardTo', 'handleTrailingData'].every(
  (name) => typeof (Tokenizer.prototype as unknown as Record<string, unknown>)[name] === 'function',
);

class SkippingTokenizer extends StockTokenizer {
  /**
   * Where the next `&` of `buffer` is at or after the last lookup (-1: none left; -2: not looked
   * up). Cached because a page may have none: looking for one from every text run would rescan
   * the rest of the page each time.
   */
  #nextAmpersand = -2;

  override write(chunk: string): void {
    this.#nextAmpersand = -2;
    super.write(chunk);
  }

  /** In text, only `<` (a tag) and `&` (an entity) matter. */
  override stateText(c: number): void {
    if (c !== LESS_THAN && c !== AMPERSAND) {
      const from = this.index - this.offset;
      c = this.#skipTo(this.#nearest(this.buffer.indexOf('<', from), this.#ampersandFrom(from)));
      if (c < 0) return;
    }
    super.stateText(c);
  }

  /** In a quoted attribute value, only the closing quote and `&` matter. */
  override handleInAttributeValue(c: number, quote: number): void {
    if (c !== quote && c !== AMPERSAND) {
      const from = this.index - this.offset;
      const closing = this.buffer.indexOf(quote === DOUBLE_QUOTE ? '"' : "'", from);
      c = this.#skipTo(this.#nearest(closing, this.#ampersandFrom(from)));
      if (c < 0) return;
    }
    super.handleInAttributeValue(c, quote);
  }

  /** Same contract as the stock method: stop on `c` and say true, or consume the buffer. */
  override fastForwardTo(c: number): boolean {
    return this.#skipTo(this.buffer.indexOf(String.fromCharCode(c), this.index + 1 - this.offset)) !== -1;
  }

  /**
   * A page that ends inside `<br /` or `</div ` (a truncated one) leaves the stock tokenizer there
   * with no section (`sectionStart` -1), which it hands over as text from -1 to the end. Of one
   * whole string that is the last character; of pieces it reached back into earlier pieces, and up
   * to a whole piece of markup became text in the page. Starting the section at the last character
   * gives what the whole string gives, whatever the pieces.
   */
  override handleTrailingData(): void {
    if (this.sectionStart < 0) this.sectionStart = this.buffer.length + this.offset - 1;
    super.handleTrailingData();
  }

  /** Moves `index` to buffer position `at` and returns the character there; -1 if none. */
  #skipTo(at: number): number {
    if (at === -1) {
      // The parse loop advances past this index: the buffer is consumed.
      this.index = this.buffer.length + this.offset - 1;
      return -1;
    }
    this.index = at + this.offset;
    return this.buffer.charCodeAt(at);
  }

  #nearest(a: number, b: number): number {
    if (a === -1) return b;
    if (b === -1) return a;
    return a < b ? a : b;
  }

  #ampersandFrom(from: number): number {
    if (this.#nextAmpersand !== -1 && this.#nextAmpersand < from) this.#nextAmpersand = this.buffer.indexOf('&', from);
    return this.#nextAmpersand;
  }
}

/** True when parsing uses the skipping tokenizer, false when it fell back to the stock one. */
export const skippingTokenizerInUse = hasInternals;

/** The tokenizer class to hand to htmlparser2's `Parser` (its `Tokenizer` option). */
export const PageTokenizer: typeof Tokenizer = hasInternals ? (SkippingTokenizer as unknown as typeof Tokenizer) : Tokenizer;

/**
 * htmlparser2's Parser, reading an empty comment that closes as it opens (`<!-->`, `<!--->`) as
 * empty when the page comes in pieces. The tokenizer reports such a comment as ending before it
 * starts; of one whole string that slice is empty, but across pieces the parser took the negative
 * length from the end of the next piece and the comment got markup that follows it.
 */
export class PageParser extends Parser {
  override oncomment(start: number, endIndex: number, offset: number): void {
    super.oncomment(start, endIndex, Math.min(offset, endIndex - start));
  }

  override oncdata(start: number, endIndex: number, offset: number): void {
    super.oncdata(start, endIndex, Math.min(offset, endIndex - start));
  }
}
