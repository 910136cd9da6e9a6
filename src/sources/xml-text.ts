/**
 * Bytes of a feed or sitemap to text we are willing to parse: gunzipped within the size cap,
 * decoded by its declared charset, and refused when it declares entities. No parser we use expands
 * DTD entities, but refusing them outright turns an entity bomb into one clear reason instead of a
 * document full of literal `&lol9;`.
 */
import { gunzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { detectCharset } from '../pipeline/decode.js';
import { SourceError } from './errors.js';

/** The sitemap protocol's cap on an uncompressed sitemap, also used for feeds served gzipped. */
export const MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;

/** Where a DOCTYPE can be: before the root element, so the first bytes are enough. */
export const PROLOG_BYTES = 64 * 1024;

export function isGzip(body: Uint8Array): boolean {
  return body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
}

/** Gunzips a `.gz` body (magic bytes decide, not the name); the cap applies to the output. */
export function gunzipCapped(body: Buffer, maxBytes: number = MAX_DOCUMENT_BYTES): Buffer {
  if (!isGzip(body)) return body;
  try {
    return gunzipSync(body, { maxOutputLength: maxBytes });
  } catch (err) {
    if (err instanceof RangeError || (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new SourceError('too_large', `gzipped document expands past ${maxBytes} bytes`, { cause: err });
    }
    throw new SourceError('bad_gzip', `unreadable gzip data: ${(err as Error).message}`, { cause: err });
  }
}

/** Throws xml_entities when the prolog declares entities (billion laughs, external entities). */
export function refuseEntityDeclarations(text: string): void {
  const prolog = text.slice(0, PROLOG_BYTES);
  const doctype = /<!DOCTYPE[^[>]*\[/i.exec(prolog);
  if (doctype !== null && /<!ENTITY/i.test(prolog.slice(doctype.index))) {
    throw new SourceError('xml_entities', 'the document declares XML entities in its DOCTYPE; refused (no DTD processing)');
  }
}

/** A fetched document, decoded on demand: whole (feeds) or in chunks (sitemaps, up to 50 MB). */
export interface SourceDocument {
  /** The first decoded characters, enough to see the root element. */
  readonly head: string;
  readonly byteLength: number;
  text(): string;
  /** The decoded text in pieces of about 1 MB, so a large sitemap never exists as one string. */
  chunks(): Iterable<string>;
}

const CHUNK_BYTES = 1024 * 1024;

/**
 * The charset of a document: from BOM, then Content-Type, then XML declaration, then UTF-8
 * sniffing of `bytes`. When they are only its first bytes (`complete` false), a character cut at
 * their end is left out of the sniffing, which would otherwise take it for invalid UTF-8.
 */
export function documentCharset(bytes: Buffer, contentType: string | undefined, complete = true): string {
  const charsetLabel = /charset\s*=\s*["']?([^"';\s]+)/i.exec(contentType ?? '')?.[1];
  return detectCharset(complete ? bytes : bytes.subarray(0, completeUtf8Length(bytes)), charsetLabel);
}

/** Length of `bytes` without a UTF-8 sequence cut short at the end (at most 3 bytes shorter). */
function completeUtf8Length(bytes: Uint8Array): number {
  let lead = bytes.length - 1;
  while (lead > bytes.length - 4 && lead >= 0 && (bytes[lead]! & 0xc0) === 0x80) lead -= 1;
  const first = lead < 0 ? 0 : bytes[lead]!;
  const needed = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1;
  return lead >= 0 && lead + needed > bytes.length ? lead : bytes.length;
}

/**
 * Opens an XML or JSON document whole: charset as documentCharset says; refuses declared entities
 * (xml_entities) before anything is parsed. DocumentStream does the same for a body as it arrives.
 */
export function openDocument(body: Buffer, contentType: string | undefined): SourceDocument {
  const charset = documentCharset(body, contentType);
  // A character split at the cut becomes U+FFFD here; the head is only looked at, never parsed.
  const head = iconv.decode(body.subarray(0, PROLOG_BYTES), charset);
  refuseEntityDeclarations(head);
  return {
    head,
    byteLength: body.length,
    text: () => iconv.decode(body, charset),
    *chunks() {
      const decoder = iconv.getDecoder(charset);
      for (let i = 0; i < body.length; i += CHUNK_BYTES) yield decoder.write(body.subarray(i, i + CHUNK_BYTES));
      const rest = decoder.end();
      if (rest) yield rest;
    },
  };
}

/** The whole text of a document (see openDocument). */
export function documentText(body: Buffer, contentType: string | undefined): string {
  return openDocument(body, contentType).text();
}
