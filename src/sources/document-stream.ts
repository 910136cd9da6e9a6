/**
 * A fetched feed or sitemap read as its bytes arrive, so a 50 MB sitemap never exists as one
 * Buffer. The same checks as openDocument, on the first bytes instead of the whole body.
 */
import { finished } from 'node:stream/promises';
import { createGunzip, type Gunzip } from 'node:zlib';
import iconv from 'iconv-lite';
import { SourceError } from './errors.js';
import { documentCharset, isGzip, MAX_DOCUMENT_BYTES, PROLOG_BYTES, refuseEntityDeclarations } from './xml-text.js';

/** How the rest of a document is wanted once its prolog has been read: decoded as it comes, or kept whole. */
export type BodyRoute = 'text' | 'bytes';

type Decoder = ReturnType<typeof iconv.getDecoder>;

/**
 * Holds the first PROLOG_BYTES (or the whole body, if shorter) until the charset can be told and
 * the DOCTYPE checked (xml_entities); then asks `route`, which sees the decoded head, whether the
 * rest is wanted as text, decoded chunk by chunk, or kept as bytes for the end (a feed, parsed
 * whole). It takes document bytes: gzip data goes through GzipInflater first.
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
    return this.#state === 'prolog' && this.#heldBytes >= PROLOG_BYTES ? this.#openProlog(false) : '';
  }

  /** Ends the body: the text still to come, or the whole body when it was routed to bytes. */
  end(): { text: string; kept: Buffer | null } {
    const text = this.#state === 'prolog' ? this.#openProlog(true) : '';
    if (this.#decoder !== null) return { text: text + (this.#decoder.end() ?? ''), kept: null };
    const kept = Buffer.concat(this.#held, this.#heldBytes);
    this.#held = [];
    return { text: '', kept };
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

/**
 * Inflates a body that is gzip data (magic bytes 1f 8b: a `.xml.gz` file, which undici's
 * Content-Encoding decoders leave as it is) as it arrives, refusing it once it inflates past
 * maxBytes as gunzipCapped does; passes any other body through. A zlib stream works off the event
 * loop, hence the promises: each write resolves once its bytes have been inflated.
 */
export class GzipInflater {
  readonly #maxBytes: number;
  /** The first bytes, until there are two to tell gzip data by; null once told. */
  #held: Buffer | null = Buffer.alloc(0);
  #gunzip: Gunzip | null = null;
  #out: Buffer[] = [];
  #inflated = 0;

  constructor(maxBytes: number = MAX_DOCUMENT_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /** Takes the next bytes of the body; returns the document bytes they give. */
  async write(chunk: Buffer): Promise<Buffer[]> {
    if (this.#held !== null) {
      const held = this.#held.length === 0 ? chunk : Buffer.concat([this.#held, chunk]);
      if (held.length < 2) {
        this.#held = held;
        return [];
      }
      this.#held = null;
      if (!isGzip(held)) return [held];
      this.#gunzip = this.#open();
      chunk = held;
    }
    const gunzip = this.#gunzip;
    if (gunzip === null) return [chunk];
    await this.#settled(inflated(gunzip, (done) => gunzip.write(chunk, done)));
    return this.#taken();
  }

  /** Ends the body; returns the document bytes still to come. */
  async end(): Promise<Buffer[]> {
    const held = this.#held;
    this.#held = null;
    if (held !== null) return held.length === 0 ? [] : [held];
    if (this.#gunzip === null) return [];
    const gunzip = this.#gunzip;
    gunzip.end();
    await this.#settled(finished(gunzip));
    return this.#taken();
  }

  /** Frees the zlib stream of a body that will not be read to its end (the fetch failed). */
  close(): void {
    this.#gunzip?.destroy();
    this.#out = [];
  }

  #open(): Gunzip {
    const gunzip = createGunzip({ chunkSize: 64 * 1024 });
    // An error is reported through the write or end it interrupts; this listener only keeps a
    // stray one from being an unhandled 'error' event.
    gunzip.on('error', () => undefined);
    gunzip.on('data', (out: Buffer) => {
      this.#inflated += out.length;
      // Past the cap, the rest of this write is inflated and dropped; the write then fails.
      if (this.#inflated <= this.#maxBytes) this.#out.push(out);
    });
    return gunzip;
  }

  async #settled(inflating: Promise<unknown>): Promise<void> {
    try {
      await inflating;
    } catch (err) {
      this.close();
      throw new SourceError('bad_gzip', `unreadable gzip data: ${(err as Error).message}`, { cause: err });
    }
    if (this.#inflated > this.#maxBytes) {
      this.close();
      throw new SourceError('too_large', `gzipped document expands past ${this.#maxBytes} bytes`);
    }
  }

  #taken(): Buffer[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }
}

/**
 * Settles when zlib has taken a write, or rejects with its error. A write zlib fails on may never
 * call back, so the stream's error is listened for too, for this write only: one listener per
 * write rather than a reaction per write on a promise that lives as long as the document.
 */
function inflated(gunzip: Gunzip, write: (done: (err?: Error | null) => void) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const failed = (err: Error): void => reject(err);
    gunzip.once('error', failed);
    write((err) => {
      gunzip.off('error', failed);
      if (err) reject(err);
      else resolve();
    });
  });
}
