import { describe, expect, it } from 'vitest';
import { articleId, contentHash, normalizeUrl, registrableDomain, siteOf, textId } from '../../src/pipeline/normalize/index.js';
import { createHash } from 'node:crypto';

describe('normalizeUrl', () => {
  const cases: Array<[string, string | null]> = [
    ['https://www.example.com/a/b', 'https://www.example.com/a/b'],
    ['HTTPS://WWW.Example.COM/Path/Case', 'https://www.example.com/Path/Case'],
    ['http://example.com:80/x', 'http://example.com/x'],
    ['https://example.com:443/x', 'https://example.com/x'],
    ['https://example.com:8443/x', 'https://example.com:8443/x'],
    ['https://example.com/x#section-2', 'https://example.com/x'],
    ['https://example.com', 'https://example.com/'],
    ['  https://example.com/x  ', 'https://example.com/x'],
    ['https://user:pw@example.com/x', 'https://example.com/x'],
    ['https://example.com/x?utm_source=tw&utm_medium=social&UTM_Campaign=c', 'https://example.com/x'],
    ['https://example.com/x?id=5&utm_source=tw&page=2', 'https://example.com/x?id=5&page=2'],
    ['https://example.com/x?b=2&a=1', 'https://example.com/x?b=2&a=1'],
    ['https://example.com/x?fbclid=1&gclid=2&dclid=3&msclkid=4&mc_cid=5&mc_eid=6&igshid=7&_ga=8&ref_src=9&yclid=10', 'https://example.com/x'],
    ['https://example.com/x?oly_anon_id=1&oly_enc_id=2&pk_campaign=3&mtm_source=4&keep=yes', 'https://example.com/x?keep=yes'],
    ['https://example.com/x?q=a%20b&tag=%ED%95%9C', 'https://example.com/x?q=a%20b&tag=%ED%95%9C'],
    ['https://example.com/x?&&id=1&', 'https://example.com/x?id=1'],
    ['https://example.com/x?', 'https://example.com/x'],
    ['https://example.com/x?ref=homepage', 'https://example.com/x?ref=homepage'],
    ['https://bücher.example/straße', 'https://xn--bcher-kva.example/stra%C3%9Fe'],
    ['https://한국.kr/뉴스', 'https://xn--3e0b707e.kr/%EB%89%B4%EC%8A%A4'],
    ['ftp://example.com/file', null],
    ['javascript:alert(1)', null],
    ['mailto:a@example.com', null],
    ['/relative/path', null],
    ['example.com/x', null],
    ['https://', null],
    ['', null],
  ];
  it.each(cases)('%s → %s', (input, expected) => {
    expect(normalizeUrl(input)).toBe(expected);
    if (expected !== null) expect(normalizeUrl(expected)).toBe(expected);
  });
});

describe('siteOf and registrableDomain', () => {
  const sites: Array<[string, string | null]> = [
    ['https://www.koreaherald.com/view.php?ud=1', 'koreaherald.com'],
    ['https://v.daum.net/v/2017', 'v.daum.net'],
    ['http://WWW.Example.co.uk:8080/', 'example.co.uk'],
    ['https://www2.example.com/', 'www2.example.com'],
    ['https://127.0.0.1/x', '127.0.0.1'],
    ['file:///etc/passwd', null],
    ['not a url', null],
  ];
  it.each(sites)('siteOf(%s) = %s', (url, expected) => {
    expect(siteOf(url)).toBe(expected);
  });

  const domains: Array<[string, string | null]> = [
    ['news.bbc.co.uk', 'bbc.co.uk'],
    ['www.koreaherald.com', 'koreaherald.com'],
    ['v.daum.net', 'daum.net'],
    ['foo.blogspot.com', 'blogspot.com'],
    ['xn--3e0b707e.kr', 'xn--3e0b707e.kr'],
    ['co.uk', null],
    ['127.0.0.1', null],
  ];
  it.each(domains)('registrableDomain(%s) = %s', (host, expected) => {
    expect(registrableDomain(host)).toBe(expected);
  });
});

describe('ids and content hash', () => {
  const ID = /^[a-z2-7]{26}$/;

  it('articleId is 26 base32 characters of the SHA-256 of the normalized URL', () => {
    const url = 'https://www.example.com/news/1';
    const digest = createHash('sha256').update(url).digest();
    // Decode the id back to bytes and compare with the digest's first 16.
    const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
    const id = articleId(url);
    expect(id).toMatch(ID);
    let bits = '';
    for (const ch of id) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
    const bytes = Buffer.from(Array.from({ length: 16 }, (_, i) => parseInt(bits.slice(i * 8, i * 8 + 8), 2)));
    expect(bytes.equals(digest.subarray(0, 16))).toBe(true);
  });

  const sameIds: Array<[string, string]> = [
    ['https://www.example.com/news/1', 'HTTPS://WWW.EXAMPLE.COM/news/1#top'],
    ['https://www.example.com/news/1', 'https://www.example.com/news/1?utm_source=feed&fbclid=x'],
    ['https://www.example.com:443/news/1', 'https://www.example.com/news/1'],
  ];
  it.each(sameIds)('same page, same id: %s and %s', (a, b) => {
    expect(articleId(a)).toBe(articleId(b));
  });

  const differentIds: Array<[string, string]> = [
    ['https://www.example.com/news/1', 'https://www.example.com/news/2'],
    ['https://www.example.com/news/1', 'http://www.example.com/news/1'],
    ['https://www.example.com/news?id=1', 'https://www.example.com/news?id=2'],
  ];
  it.each(differentIds)('different pages, different ids: %s and %s', (a, b) => {
    expect(articleId(a)).not.toBe(articleId(b));
  });

  it('textId is stable over whitespace and differs from URL ids', () => {
    expect(textId('Some  text\u00a0here.')).toMatch(ID);
    expect(textId('Some  text\u00a0here.')).toBe(textId(' Some text here. '));
    expect(textId('Some text here.')).not.toBe(textId('Other text here.'));
    expect(textId('https://example.com/')).not.toBe(articleId('https://example.com/'));
  });

  const hashes: Array<[string, string, boolean]> = [
    ['Same text.', 'Same text.', true],
    ['Same  text.', ' Same text.\u200b', true],
    ['Cafe\u0301', 'Café', true],
    ['Same text.', 'Same text!', false],
    ['Para one.\n\nPara two.', 'Para one. Para two.', false],
  ];
  it.each(hashes)('contentHash(%j) equal to contentHash(%j): %s', (a, b, equal) => {
    expect(contentHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(contentHash(a) === contentHash(b)).toBe(equal);
  });

  it('contentHash is the SHA-256 of the normalized text', () => {
    expect(contentHash(' a  b ')).toBe(createHash('sha256').update('a b').digest('hex'));
  });
});
