/**
 * A fetched feed or sitemap read as its bytes arrive, so a 50 MB sitemap never exists as one
 * Buffer. The same checks as openDocument, on the first bytes instead of the whole body.
 */
import iconv from 'iconv-lite';
import { documentCharset, isGzip, PROLOG_BYTES, refuseEntityDeclarations } from './xml-text.js';

/** How the rest of a document is wanted once its prolog has been read: decoded as it comes, or kept whole. */
export type BodyRoute = 'text' | 'bytes';

type Decoder = ReturnType<typeof iconv.getDecoder>;

/**
 * Holds the first PROLOG_BYTES (or the whole body, if shorter) until the charset can be told and
 * the DOCTYPE checked (xml_entities); then asks `route`, which sees the decoded head, whether the
 * rest is wanted as text, decoded chunk by chunk, or kept as bytes for the end (a feed, parsed
 * whole). gzip data (magic bytes 1f 8b) is always kept: a compressed sitemap is small on the wire,
 * and gunzipCapped then reads it as a whole body is read, with its cap on the inflated size.
 */
export class DocumentStream {
  readonly #contentType: string | undefined;
  readonly #route: (head: string) => BodyRoute;
  #held: Buffer[] = [];
  #heldBytes = 0;
  #received = 0;
  #state: 'prolog' | BodyRoute = 'prolog';
  #decoder: Decoder | null = null;

  constructor(contentType: string | undefined, route: (head: string) => BodyRoute) {
    this.#contentType = contentType;
    this.#route = route;
  }

  /** Bytes received so far. */
  get byteLength(): number {
    return this.#received;
  }

  /** Takes the next bytes; returns the text they complete (empty while bytes are held or kept). */
  write(chunk: Buffer): string {
    this.#received += chunk.length;
    if (this.#decoder !== null) return this.#decoder.write(chunk);
    this.#held.push(chunk);
    this.#heldBytes += chunk.length;
    if (this.#state !== 'prolog' || this.#heldBytes < 2) return '';
    if (this.#heldGzip()) {
      this.#state = 'bytes';
      return '';
    }
    return this.#heldBytes >= PROLOG_BYTES ? this.#openProlog(false) : '';
  }

  /** Ends the body: the text still to come, or the whole body when it was kept (gzip, or routed to bytes). */
  end(): { text: string; kept: Buffer | null } {
    let text = '';
    if (this.#state === 'prolog') {
      if (this.#heldGzip()) this.#state = 'bytes';
      else text = this.#openProlog(true);
    }
    if (this.#decoder !== null) return { text: text + (this.#decoder.end() ?? ''), kept: null };
    const kept = Buffer.concat(this.#held, this.#heldBytes);
    this.#held = [];
    return { text: '', kept };
  }

  #heldGzip(): boolean {
    const first = this.#held[0];
    return first !== undefined && isGzip(first.length >= 2 ? first : Buffer.concat(this.#held));
  }

  #openProlog(complete: boolean): string {
    const prolog = Buffer.concat(this.#held, this.#heldBytes);
    const decoder = iconv.getDecoder(documentCharset(prolog, this.#contentType, complete));
    // The head is what openDocument looks at: the first PROLOG_BYTES, decoded. The decoder keeps a
    // character cut at that point for the text that follows.
    const head = decoder.write(prolog.subarray(0, PROLOG_BYTES));
    refuseEntityDeclarations(head);
    this.#state = this.#route(head);
    if (this.#state === 'bytes') return '';
    this.#held = [];
    this.#heldBytes = 0;
    this.#decoder = decoder;
    return head + decoder.write(prolog.subarray(PROLOG_BYTES));
  }
}
