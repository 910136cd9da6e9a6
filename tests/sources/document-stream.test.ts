import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { DocumentStream, GzipInflater, type BodyRoute } from '../../src/sources/document-stream.js';
import { ENTITY_BOMB, urlset } from './fixtures.js';

const PROLOG = 64 * 1024;

/** Feeds `bytes` cut at `cuts`; returns the text handed out, what was kept, and the heads `route` saw. */
function push(bytes: Buffer, cuts: number[], contentType: string | undefined, route: BodyRoute = 'text') {
  const heads: string[] = [];
  const stream = new DocumentStream(contentType, (head) => {
    heads.push(head);
    return route;
  });
  let text = '';
  const points = [0, ...cuts, bytes.length];
  for (let i = 1; i < points.length; i++) text += stream.write(bytes.subarray(points[i - 1], points[i]));
  const end = stream.end();
  return { text: text + end.text, kept: end.kept, heads, byteLength: stream.byteLength };
}

/** A news sitemap in `charset` (declared in its XML declaration only), longer than the prolog, with non-ASCII titles throughout. */
function sitemapIn(charset: string, title: string): Buffer {
  const doc = urlset(Array.from({ length: 1200 }, (_, i) => ({ url: `https://news.example/${i}`, news: { title: `${title} ${i}`, date: '2026-11-28', language: 'ja' } })));
  return iconv.encode(doc.replace('encoding="UTF-8"', `encoding="${charset}"`), charset);
}

/** Offset just inside the first multi-byte character at or after `from` (the second byte of its sequence). */
function insideCharAfter(bytes: Buffer, from: number): number {
  let at = from;
  while (bytes[at]! < 0x80) at += 1;
  return at + 1;
}

describe('DocumentStream', () => {
  const sjis = sitemapIn('Shift_JIS', '日本語の見出し');
  const undeclaredUtf8 = Buffer.from(urlset(Array.from({ length: 1200 }, (_, i) => ({ url: `https://news.example/${i}`, news: { title: `한국어 제목 ${i}`, date: '2026-11-28', language: 'ko' } }))).replace(' encoding="UTF-8"', ''));
  // Undeclared UTF-8 whose first chunk ends one byte into a character, right past the prolog: sniffed
  // whole, those bytes are not valid UTF-8 and would make it windows-1252.
  const atProlog = insideCharAfter(undeclaredUtf8, PROLOG);

  it.each([
    ['Shift_JIS by its XML declaration, characters cut in the prolog and after it', sjis, 'application/xml', [insideCharAfter(sjis, 300), insideCharAfter(sjis, PROLOG + 10), insideCharAfter(sjis, PROLOG + 5000)], 'shift_jis'],
    ['Shift_JIS cut into 1000-byte pieces', sjis, 'application/xml', Array.from({ length: Math.floor(sjis.length / 1000) }, (_, i) => (i + 1) * 1000), 'shift_jis'],
    ['undeclared UTF-8 cut one byte into a character at the end of the prolog', undeclaredUtf8, 'text/xml', [atProlog, atProlog + 1], 'utf-8'],
    ['UTF-8 by Content-Type, cut one byte at a time around the prolog', undeclaredUtf8, 'text/xml; charset=utf-8', Array.from({ length: 8 }, (_, i) => PROLOG - 4 + i), 'utf-8'],
  ])('decodes %s like the whole body', (_label, bytes, contentType, cuts, charset) => {
    const got = push(bytes, cuts, contentType);
    expect(got.text).toBe(iconv.decode(bytes, charset));
    expect(got.text).not.toContain('\uFFFD');
    expect([got.kept, got.byteLength, got.heads.length]).toEqual([null, bytes.length, 1]);
    // The head is the first 64 KiB decoded, whole characters only.
    expect(got.text.startsWith(got.heads[0]!)).toBe(true);
    expect(Buffer.byteLength(iconv.encode(got.heads[0]!, charset))).toBeLessThanOrEqual(PROLOG);
  });

  it('holds everything until the prolog is complete, then hands out text as it comes', () => {
    const stream = new DocumentStream('application/xml', () => 'text');
    const sizes = [1000, PROLOG - 2000, 5000, 5000];
    let at = 0;
    const handed = sizes.map((n) => stream.write(sjis.subarray(at, (at += n))).length);
    expect(handed.map((n) => n > 0)).toEqual([false, false, true, true]);
  });

  it.each([
    ['an entity bomb cut inside <!ENTITY', Buffer.from(ENTITY_BOMB), [ENTITY_BOMB.indexOf('<!ENTITY') + 4]],
    ['an entity bomb in one-byte pieces', Buffer.from(ENTITY_BOMB), Array.from({ length: ENTITY_BOMB.length - 1 }, (_, i) => i + 1)],
    [
      'a long sitemap declaring an entity, cut inside <!DOCTYPE',
      Buffer.from(urlset(Array.from({ length: 2000 }, (_, i) => ({ url: `https://news.example/${i}` }))).replace('?>', '?><!DOCTYPE urlset [<!ENTITY x "y">]>')),
      [44, 47, 60],
    ],
  ])('refuses %s (xml_entities)', (_label, bytes, cuts) => {
    expect(() => push(bytes, cuts, 'application/xml')).toThrow(expect.objectContaining({ reason: 'xml_entities' }));
  });

  it.each([
    ['a document routed to bytes', sjis, [100, PROLOG + 7], 'bytes' as const, 1],
    ['an empty body', Buffer.alloc(0), [], 'bytes' as const, 1],
  ])('keeps %s whole', (_label, bytes, cuts, route, asked) => {
    const got = push(bytes, cuts, 'application/xml', route);
    expect(got.kept?.equals(bytes)).toBe(true);
    expect([got.text, got.heads.length]).toEqual(['', asked]);
  });
});

describe('GzipInflater', () => {
  const doc = Buffer.from(urlset(Array.from({ length: 3000 }, (_, i) => ({ url: `https://news.example/${i}` }))));
  const gz = gzipSync(doc);

  async function inflate(bytes: Buffer, cuts: number[], maxBytes?: number) {
    const inflater = new GzipInflater(maxBytes);
    const out: Buffer[] = [];
    const points = [0, ...cuts, bytes.length];
    for (let i = 1; i < points.length; i++) out.push(...(await inflater.write(bytes.subarray(points[i - 1], points[i]))));
    out.push(...(await inflater.end()));
    return Buffer.concat(out);
  }

  it.each([
    ['gzip data in one piece', gz, [], doc],
    ['gzip data cut after its first byte and in 500-byte pieces', gz, [1, ...Array.from({ length: Math.floor(gz.length / 500) }, (_, i) => (i + 1) * 500)], doc],
    ['plain bytes, first piece one byte long', doc, [1, 2, 9000], doc],
    ['a one-byte body', Buffer.from('x'), [], Buffer.from('x')],
    ['an empty body', Buffer.alloc(0), [], Buffer.alloc(0)],
  ])('gives back %s as the document bytes', async (_label, bytes, cuts, expected) => {
    expect((await inflate(bytes, cuts)).equals(expected)).toBe(true);
  });

  it.each([
    ['inflating past the cap', 'too_large', gz, doc.length - 1],
    ['a truncated gzip stream', 'bad_gzip', gz.subarray(0, gz.length - 100), undefined],
    ['corrupt deflate data', 'bad_gzip', Buffer.concat([gz.subarray(0, 12), Buffer.alloc(200, 0xff)]), undefined],
  ])('refuses %s (%s)', async (_label, reason, bytes, maxBytes) => {
    await expect(inflate(bytes, [100], maxBytes)).rejects.toMatchObject({ reason });
  });
});
