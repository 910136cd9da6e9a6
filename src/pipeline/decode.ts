/**
 * Stage 1, decode: the bytes of a page to text, and whether that text is HTML or plain text.
 *
 * The charset comes from the first of these that names an encoding we can decode:
 *   1. a byte order mark (UTF-8, UTF-16LE, UTF-16BE);
 *   2. the `charset` of the Content-Type header;
 *   3. `<meta charset>`, `<meta http-equiv=Content-Type content="...charset=">` or an XML declaration
 *      in the first {@link PRESCAN_BYTES} bytes (the WHATWG prescan, done by encoding-sniffer);
 *   4. sniffing: bytes that are valid UTF-8 are UTF-8, anything else windows-1252.
 * Labels resolve through the WHATWG Encoding table (`ks_c_5601-1987` is EUC-KR, `iso-8859-1` is
 * windows-1252). A label outside that table, such as UTF-7 (which smuggles markup past filters), or
 * one we cannot decode, is skipped in favour of the next source rather than failing the page.
 */
import { isAscii, isUtf8, transcode } from 'node:buffer';
import iconv from 'iconv-lite';
import { ResultType, Sniffer } from 'encoding-sniffer/sniffer';
import { InputError } from '../errors.js';

export interface DecodeOptions {
  /** The Content-Type header of the response, if there was one. */
  contentType?: string;
  /**
   * Inputs larger than this are refused before any decoding.
   * @defaultValue 16 MiB
   */
  maxBytes?: number;
}

export interface DecodedInput {
  /** The whole text (joined from `pieces` on first read). */
  readonly text: string;
  /**
   * The text in order, in pieces of at most {@link PIECE_CHARS} characters where it was decoded
   * from bytes: what the parser reads. A string over 64 KiB is a large object to V8, and making one
   * cost five times as much per character as making 32 Ki-character pieces, about 0.2 ms a page.
   */
  readonly pieces: readonly string[];
  /** Lower-case WHATWG encoding name (`utf-8`, `euc-kr`, `shift_jis`, `gbk`, `windows-1252`). */
  readonly charset: string;
  readonly kind: 'html' | 'text';
}

/** Characters per decoded piece: 64 KiB as UTF-16, under V8's large-object size. */
export const PIECE_CHARS = 32 * 1024;

class DecodedText implements DecodedInput {
  #text: string | undefined;

  constructor(
    readonly pieces: readonly string[],
    readonly charset: string,
    readonly kind: 'html' | 'text',
  ) {}

  get text(): string {
    this.#text ??= this.pieces.length === 1 ? (this.pieces[0] as string) : this.pieces.join('');
    return this.#text;
  }
}

export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/**
 * The WHATWG prescan looks at 1024 bytes; news pages often push their `<meta charset>` further down
 * behind long comment banners and inline scripts, so we look a little further.
 */
const PRESCAN_BYTES = 4096;

/** Decoded text with more than this share of control characters is not a page. */
const MAX_CONTROL_SHARE = 0.01;

/**
 * WHATWG encodings whose iconv-lite codec is not under the same name. The WHATWG GBK decoder is the
 * gb18030 decoder, so GBK pages with GB18030-only characters still decode.
 */
const ICONV_CODEC: Readonly<Record<string, string>> = {
  gbk: 'gb18030',
  'x-mac-cyrillic': 'maccyrillic',
};

export function decodeInput(input: string | Buffer, opts: DecodeOptions = {}): DecodedInput {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  checkSize(input, maxBytes);

  let pieces: string[];
  let charset: string;
  if (typeof input === 'string') {
    // Already Unicode: the caller decoded it. Reported as utf-8, the encoding it is stored in.
    pieces = [input.charCodeAt(0) === 0xfeff ? input.slice(1) : input];
    charset = 'utf-8';
  } else {
    charset = detectCharset(input, headerCharset(opts.contentType));
    pieces = decodeBytes(input, charset);
  }

  if (pieces.every((piece) => piece.trim() === '')) {
    throw new InputError(
      'empty_input',
      'The input is empty or only whitespace; pass the page body (did the fetch return no content?).',
    );
  }
  checkNotBinary(pieces);
  return new DecodedText(pieces, charset, detectKind(pieces, opts.contentType));
}

/** The first `chars` characters of the text. */
function head(pieces: readonly string[], chars: number): string {
  let out = '';
  for (const piece of pieces) {
    if (out.length >= chars) break;
    out += piece;
  }
  return out.length > chars ? out.slice(0, chars) : out;
}

function checkSize(input: string | Buffer, maxBytes: number): void {
  // A string of n UTF-16 units takes n..3n bytes as UTF-8, so most strings need no byte count.
  const tooLarge =
    typeof input === 'string'
      ? input.length > maxBytes || (input.length * 3 > maxBytes && Buffer.byteLength(input) > maxBytes)
      : input.length > maxBytes;
  if (tooLarge) {
    const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
    throw new InputError(
      'too_large',
      `The input is ${size} bytes, over the limit of ${maxBytes}; raise maxBytes if such pages are expected.`,
    );
  }
}

/** The charset parameter of a Content-Type header value, unresolved. */
function headerCharset(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^;\s]*))/i.exec(contentType);
  const label = match?.[1] ?? match?.[2] ?? match?.[3];
  return label === undefined || label === '' ? undefined : label;
}

/** The lower-case WHATWG name of the encoding to decode `bytes` with, always one we can decode. */
export function detectCharset(bytes: Uint8Array, headerLabel?: string): string {
  let sniffer = prescan(bytes, headerLabel);
  if (sniffer.resultType !== ResultType.DEFAULT && !canDecode(sniffer.encoding)) {
    // The header named something we cannot decode: let the page's own declaration speak instead.
    sniffer = prescan(bytes, undefined);
  }
  if (sniffer.resultType !== ResultType.DEFAULT && canDecode(sniffer.encoding)) {
    return sniffer.encoding.toLowerCase();
  }
  return isUtf8(bytes) ? 'utf-8' : 'windows-1252';
}

/**
 * Bytes the sniffer reads before each look at its result. The first step covers a BOM and the
 * UTF-16 XML prefixes. After that, a result from a BOM, the header or a `<meta>` is final (nothing
 * later in the prescan outranks it), so the rest of the 4 KiB is not read byte by byte in JS.
 */
const PRESCAN_STEP = 512;

function prescan(bytes: Uint8Array, headerLabel: string | undefined): Sniffer {
  const sniffer = new Sniffer({ maxBytes: PRESCAN_BYTES, transportLayerEncodingLabel: headerLabel });
  const end = Math.min(bytes.length, PRESCAN_BYTES);
  for (let at = 0; at < end; at += PRESCAN_STEP) {
    sniffer.write(bytes.subarray(at, Math.min(at + PRESCAN_STEP, end)));
    if (sniffer.resultType <= ResultType.META_TAG) break;
  }
  return sniffer;
}

const decodability = new Map<string, boolean>();

/** Whether iconv-lite (or, failing it, the platform's TextDecoder) has a codec for a WHATWG name. */
function canDecode(whatwgName: string): boolean {
  const name = whatwgName.toLowerCase();
  let known = decodability.get(name);
  if (known === undefined) {
    // `replacement` is WHATWG's stand-in for encodings it refuses to decode (ISO-2022-KR, HZ).
    known = name !== 'replacement' && (iconv.encodingExists(ICONV_CODEC[name] ?? name) || hasTextDecoder(name));
    decodability.set(name, known);
  }
  return known;
}

function hasTextDecoder(name: string): boolean {
  try {
    new TextDecoder(name);
    return true;
  } catch {
    return false;
  }
}

function decodeBytes(bytes: Buffer, charset: string): string[] {
  if (charset === 'utf-8') {
    const pieces = decodeUtf8(bytes);
    // TextDecoder would drop the BOM; the decoders below keep it.
    if (pieces[0]?.charCodeAt(0) === 0xfeff) pieces[0] = pieces[0].slice(1);
    return pieces;
  }
  if (charset === 'utf-16le' || charset === 'utf-16be') {
    // TextDecoder drops the BOM and replaces unpaired surrogates with U+FFFD.
    return [new TextDecoder(charset, { fatal: false }).decode(bytes)];
  }
  const codec = ICONV_CODEC[charset] ?? charset;
  if (iconv.encodingExists(codec)) return [iconv.decode(bytes, codec)];
  return [new TextDecoder(charset).decode(bytes)];
}

/**
 * UTF-8 to text in pieces, by the cheapest route that gives WHATWG's result. Decoding is a tenth
 * of a page's extraction, so it matters which:
 * - ASCII (checked natively) is its own Latin-1: a plain copy, a third of the UTF-8 decode's time;
 * - valid UTF-8 goes to UTF-16 through ICU's transcoder, then is copied into strings piece by
 *   piece, about 30% faster than V8's UTF-8 decoder on the dataset's pages (all non-ASCII);
 * - invalid UTF-8 goes through V8's decoder, whole, which replaces each bad sequence with U+FFFD
 *   as WHATWG's does (the transcoder refuses such input).
 */
function decodeUtf8(bytes: Buffer): string[] {
  if (isAscii(bytes)) {
    const pieces: string[] = [];
    for (let at = 0; at < bytes.length; at += PIECE_CHARS) pieces.push(bytes.toString('latin1', at, Math.min(at + PIECE_CHARS, bytes.length)));
    return pieces;
  }
  // transcode needs ICU, which a Node built without Intl lacks: V8's decoder does the same, whole.
  if (!isUtf8(bytes) || typeof transcode !== 'function') return [bytes.toString('utf8')];
  const utf16 = transcode(bytes, 'utf8', 'utf16le');
  const pieces: string[] = [];
  for (let at = 0; at < utf16.length; ) {
    let end = Math.min(at + 2 * PIECE_CHARS, utf16.length);
    // Never between the two halves of a surrogate pair: each piece holds whole characters.
    if (end < utf16.length && isHighSurrogate(utf16.readUInt16LE(end - 2))) end -= 2;
    pieces.push(utf16.toString('utf16le', at, end));
    at = end;
  }
  return pieces;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

/** C0 controls other than tab, line feed, vertical tab, form feed and carriage return. */
const CONTROL_CHAR = /[\x00-\x08\x0E-\x1F]/;

/**
 * How much of the text the binary check reads. Images, archives and compressed bodies are control
 * characters from their first bytes on (headers, tables, deflate streams), so the start decides;
 * scanning a whole 170 KB page cost 3% of the page's extraction.
 */
const BINARY_SAMPLE_CHARS = 64 * 1024;

/** Refuses images, archives and other non-text bodies, recognised by their control characters. */
function checkNotBinary(pieces: readonly string[]): void {
  let read = 0;
  let controls = 0;
  for (const piece of pieces) {
    if (read >= BINARY_SAMPLE_CHARS) break;
    const sample = piece.length > BINARY_SAMPLE_CHARS - read ? piece.slice(0, BINARY_SAMPLE_CHARS - read) : piece;
    read += sample.length;
    // One native scan settles the common case (no controls at all) at a quarter the cost of the loop.
    if (!CONTROL_CHAR.test(sample)) continue;
    for (let i = 0; i < sample.length; i++) {
      const c = sample.charCodeAt(i);
      if (c < 0x20 && (c < 0x09 || c > 0x0d)) controls++;
    }
  }
  if (controls / read > MAX_CONTROL_SHARE) {
    const total = pieces.reduce((sum, piece) => sum + piece.length, 0);
    const where = read === total ? `in ${total}` : `in its first ${read}`;
    throw new InputError(
      'binary_input',
      `The input looks binary (${controls} control characters ${where}); pass an HTML or text page, not an image, archive or compressed body.`,
    );
  }
}

/** Tags that mark text as HTML when it carries no Content-Type saying so. */
const HTML_TAG = /<\/?(?:html|head|body|meta|link|title|script|style|div|span|p|br|a|img|h[1-6]|ul|ol|li|table|tr|td|article|section|header|footer|nav|main|strong|em|b|i|figure|figcaption|blockquote|iframe|form|input)\b[^<>]*>/gi;
/**
 * A comment's body is read one character at a time up to its first "-->": the lazy [\s\S]*? it
 * replaces could also run across "-->", and under the repeated group that made "<!-" followed by
 * "---><!----><!-" x 16 (227 characters) take 77 s to fail.
 */
const HTML_START = /^\s*(?:<!--(?:[^-]|-(?!->))*-->\s*)*(?:<!doctype\s+html|<html|<head|<body|<\?xml)/i;
const KIND_SAMPLE_CHARS = 8192;
/** At least this many tags in the sample, and at least one per this many characters of it. */
const MIN_TAGS = 3;
const CHARS_PER_TAG = 400;

function detectKind(pieces: readonly string[], contentType: string | undefined): 'html' | 'text' {
  const type = contentType?.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (type.includes('html')) return 'html'; // text/html, application/xhtml+xml
  if (type === 'text/plain') return 'text';

  const sample = head(pieces, KIND_SAMPLE_CHARS);
  if (HTML_START.test(sample)) return 'html';
  const tags = sample.match(HTML_TAG)?.length ?? 0;
  return tags >= MIN_TAGS && tags * CHARS_PER_TAG >= sample.length ? 'html' : 'text';
}
