/**
 * Identity of an article: `id` from its canonical URL (same page, same id, in every store) and
 * `contentHash` from its text (an unchanged page from an edited one).
 */
import { createHash } from 'node:crypto';
import { normalizeText } from './text.js';
import { normalizeUrl } from './url.js';

/** RFC 4648 base32 in lower case: URL-safe, case-insensitive and shorter than hex. */
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * 128 bits: a collision among even billions of articles is out of reach (birthday bound ~2^64),
 * and 26 characters still read as a short id.
 */
const ID_BYTES = 16;

function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32[(buffer >>> bits) & 31];
    }
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

function shortHash(s: string): string {
  return base32(createHash('sha256').update(s, 'utf8').digest().subarray(0, ID_BYTES));
}

/**
 * The article id: the first 16 bytes of the SHA-256 of the normalized canonical URL, in lower-case
 * base32 (26 characters, `[a-z2-7]`). Normalizing first means the same page gets the same id
 * whatever tracking parameters or fragment its link carried.
 */
export function articleId(canonicalUrl: string): string {
  return shortHash(normalizeUrl(canonicalUrl) ?? canonicalUrl.trim());
}

/**
 * The id of an article read from a file or stdin, with no URL at all: the same construction over its
 * normalized text, in a namespace of its own (no normalized URL starts with `text:`).
 */
export function textId(text: string): string {
  return shortHash(`text:${normalizeText(text)}`);
}

/** SHA-256 (hex) of the normalized text: equal exactly when the stored text would be equal. */
export function contentHash(text: string): string {
  return createHash('sha256').update(normalizeText(text), 'utf8').digest('hex');
}
