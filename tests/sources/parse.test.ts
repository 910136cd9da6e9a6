import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  cadenceAfterPoll,
  deferral,
  documentText,
  gunzipCapped,
  openDocument,
  MAX_BACKOFF,
  maxAgeSeconds,
  newestFirst,
  parseFeedDocument,
  parseSitemapDocument,
  readSitemap,
  rootElementName,
  SourceError,
  type SourceState,
} from '../../src/sources/index.js';
import { feedLinksInHtml, sitemapsInRobots } from '../../src/sources/index.js';
import { atom, ENTITY_BOMB, jsonFeed, rdf, rss, sitemapIndex, urlset, type Item } from './fixtures.js';

const ITEMS: Item[] = [
  { url: 'https://news.example/a?utm_source=rss', title: 'First & best', date: '2026-11-28T10:00:00Z', lang: 'en' },
  { url: 'https://news.example/b', title: 'Second', date: '2026-11-27T09:30:00Z', lang: 'en' },
];

describe('parseFeedDocument', () => {
  it.each([
    ['rss', rss(ITEMS)],
    ['atom', atom(ITEMS)],
    ['rdf', rdf(ITEMS, 'en')],
    ['json', jsonFeed(ITEMS)],
  ])('reads links, titles, dates and languages of %s', (format, doc) => {
    const feed = parseFeedDocument(doc, 'https://news.example/feed');
    expect(feed.format).toBe(format);
    expect(feed.items).toEqual(ITEMS.map((i) => ({ url: i.url, title: i.title, publishedAt: new Date(i.date!).toISOString(), language: 'en' })));
  });

  it('resolves relative links against the feed URL and takes a permalink guid when there is no link', () => {
    const doc = `<rss version="2.0"><channel><title>t</title><item><title>x</title><link>/rel/1</link></item><item><title>y</title><guid>https://news.example/g</guid></item><item><title>z</title><guid isPermaLink="false">tag:1</guid></item></channel></rss>`;
    expect(parseFeedDocument(doc, 'https://news.example/feed/rss').items.map((i) => i.url)).toEqual(['https://news.example/rel/1', 'https://news.example/g']);
  });

  it('reads ttl, skipHours and skipDays', () => {
    const feed = parseFeedDocument(rss(ITEMS, { ttl: 60, skipHours: [0, 1, 23], skipDays: ['Saturday', 'Sunday'] }), 'https://news.example/feed');
    expect([feed.ttlMinutes, feed.skipHours, feed.skipDays]).toEqual([60, [0, 1, 23], ['Saturday', 'Sunday']]);
  });

  it.each([
    ['truncated RSS', '<rss version="2.0"><channel><title>x</title><item><title>a</ti', 'malformed_feed'],
    ['an HTML page', '<!doctype html><html><body>hello</body></html>', 'unknown_format'],
    ['a JSON object that is no feed', '{"hello": 1}', 'unknown_format'],
  ])('refuses %s with reason %s', (_label, doc, reason) => {
    expect(() => parseFeedDocument(doc, 'https://news.example/feed')).toThrow(expect.objectContaining({ reason }));
  });
});

describe('documentText', () => {
  it('refuses a document declaring entities (billion laughs) before parsing', () => {
    expect(() => documentText(Buffer.from(ENTITY_BOMB), 'application/rss+xml')).toThrow(expect.objectContaining({ reason: 'xml_entities' }));
  });

  it('decodes by the XML declaration when the header names no charset', () => {
    const euckr = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="euc-kr"?><rss><channel><title>'), Buffer.from([0xb4, 0xba, 0xbd, 0xba]), Buffer.from('</title></channel></rss>')]);
    expect(documentText(euckr, 'text/xml')).toContain('<title>뉴스</title>');
  });

  it('accepts a DOCTYPE without entity declarations', () => {
    expect(documentText(Buffer.from('<?xml version="1.0"?><!DOCTYPE rss><rss/>'), 'text/xml')).toContain('<rss/>');
  });
});

describe('openDocument', () => {
  it('decodes a large document in chunks with characters split across chunk edges, like the whole text', () => {
    const big = urlset(Array.from({ length: 9000 }, (_, i) => ({ url: `https://news.example/${i}`, news: { title: `한국어 제목 ${i}`, date: '2026-11-28', language: 'ko' } })));
    for (const [charset, bytes] of [['utf-8', Buffer.from(big)], ['euc-kr', iconv.encode(big.replace('encoding="UTF-8"', 'encoding="euc-kr"'), 'euc-kr')]] as const) {
      expect(bytes.length).toBeGreaterThan(1024 * 1024);
      const doc = openDocument(bytes, `application/xml; charset=${charset}`);
      expect([...doc.chunks()].join('')).toBe(doc.text());
      expect(doc.text()).toContain('<news:title>한국어 제목 8999</news:title>');
    }
  });
});

describe('gunzipCapped', () => {
  it('gunzips by magic bytes, passes plain bodies through, and refuses output past the cap', () => {
    const xml = Buffer.from(urlset([{ url: 'https://news.example/a' }]));
    expect(gunzipCapped(gzipSync(xml)).equals(xml)).toBe(true);
    expect(gunzipCapped(xml)).toBe(xml);
    expect(() => gunzipCapped(gzipSync(Buffer.alloc(2048, 0x20)), 1024)).toThrow(expect.objectContaining({ reason: 'too_large' }));
    expect(() => gunzipCapped(Buffer.from([0x1f, 0x8b, 1, 2, 3]))).toThrow(SourceError);
  });
});

describe('parseSitemapDocument', () => {
  it('reads loc, lastmod and the news fields', () => {
    const doc = urlset([
      { url: 'https://news.example/n1', lastmod: '2026-11-28T10:00:00+09:00', news: { title: 'Tom &amp; Jerry', date: '2026-11-28T09:00:00+09:00', language: 'KO' } },
      { url: 'https://news.example/n2' },
    ]);
    const parsed = parseSitemapDocument(doc, 'https://news.example/sitemap.xml');
    expect(parsed).toEqual({
      kind: 'urlset',
      truncated: false,
      entries: [
        { url: 'https://news.example/n1', lastmod: '2026-11-28T01:00:00.000Z', title: 'Tom &amp; Jerry', publishedAt: '2026-11-28T00:00:00.000Z', language: 'ko' },
        { url: 'https://news.example/n2', lastmod: null, title: null, publishedAt: null, language: null },
      ],
    });
  });

  it('reads a sitemap index', () => {
    const parsed = parseSitemapDocument(sitemapIndex([{ url: 'https://news.example/s1.xml.gz', lastmod: '2026-11-28' }, { url: 'https://news.example/s2.xml' }]), 'https://news.example/index.xml');
    expect(parsed).toEqual({ kind: 'sitemapindex', truncated: false, sitemaps: [{ url: 'https://news.example/s1.xml.gz', lastmod: '2026-11-28T00:00:00.000Z' }, { url: 'https://news.example/s2.xml', lastmod: null }] });
  });

  it('keeps at most maxUrls entries and says it truncated', () => {
    const doc = urlset(Array.from({ length: 12 }, (_, i) => ({ url: `https://news.example/${i}` })));
    const parsed = parseSitemapDocument(doc, 'https://news.example/s.xml', 10);
    expect(parsed.kind === 'urlset' ? [parsed.entries.length, parsed.truncated] : null).toEqual([10, true]);
  });

  it.each([1, 7, 1000])('gives the same result when the text comes in chunks of %i characters', (size) => {
    const doc = urlset(Array.from({ length: 30 }, (_, i) => ({ url: `https://news.example/기사/${i}`, lastmod: '2026-11-28T00:00:00Z', news: { title: `뉴스 제목 ${i} &amp; 더`, date: '2026-11-28T09:00:00+09:00', language: 'ko' } })));
    const pieces: string[] = [];
    for (let i = 0; i < doc.length; i += size) pieces.push(doc.slice(i, i + size));
    expect(parseSitemapDocument(pieces, 'https://news.example/s.xml')).toEqual(parseSitemapDocument(doc, 'https://news.example/s.xml'));
  });

  it.each([
    ['a sitemap cut short', urlset([{ url: 'https://news.example/a' }]).slice(0, -12), 'malformed_sitemap'],
    ['an RSS feed', rss(ITEMS), 'unknown_format'],
  ])('refuses %s with reason %s', (_label, doc, reason) => {
    expect(() => parseSitemapDocument(doc, 'https://news.example/s.xml')).toThrow(expect.objectContaining({ reason }));
  });
});

describe('readSitemap', () => {
  const long = (i: number) => ({ url: `https://news.example/${i}/${'a'.repeat(4000)}` });
  const urlsOf = (batches: Array<Array<{ url: string }>>) => batches.map((b) => b.map((e) => Number(/example\/(\d+)\//.exec(e.url)?.[1])));
  const cutAfter = (doc: string, n: number) => {
    let at = 0;
    for (let i = 0; i < n; i++) at = doc.indexOf('</url>', at) + '</url>'.length;
    return at;
  };

  it.each([
    // The first 16 KB are gathered before parsing starts (to see the root element).
    [[5, 7], [[0, 1, 2, 3, 4], [5, 6], [7]]],
    [[2, 7], [[0, 1, 2, 3, 4, 5, 6], [7]]],
    [[], [[0, 1, 2, 3, 4, 5, 6, 7]]],
  ])('cut after the entries %j, yields the batches %j as the text comes, then the kind', (cuts, expected) => {
    const doc = urlset(Array.from({ length: 8 }, (_, i) => long(i)));
    const points = [0, ...cuts.map((n) => cutAfter(doc, n)), doc.length];
    const pieces = points.slice(1).map((end, i) => doc.slice(points[i], end));
    const reading = readSitemap(pieces, 'https://news.example/s.xml');
    const batches = [];
    let step = reading.next();
    for (; !step.done; step = reading.next()) batches.push(step.value);
    expect([urlsOf(batches), step.value]).toEqual([expected, { kind: 'urlset', sitemaps: [], truncated: false }]);
  });

  it('yields what it parsed of a sitemap cut short, then refuses it', () => {
    const doc = urlset([long(0), long(1)]).slice(0, -12);
    const reading = readSitemap(doc, 'https://news.example/s.xml');
    const first = reading.next();
    expect(first.done ? null : urlsOf([first.value])).toEqual([[0, 1]]);
    expect(() => reading.next()).toThrow(expect.objectContaining({ reason: 'malformed_sitemap' }));
  });
});

describe('rootElementName', () => {
  it.each([
    ['<?xml version="1.0"?>\n<!-- c --><urlset>', 'urlset'],
    ['\uFEFF<sitemapindex xmlns="x">', 'sitemapindex'],
    ['<?xml version="1.0"?><!DOCTYPE rss><rss version="2.0">', 'rss'],
    ['<rdf:RDF xmlns:rdf="x">', 'rdf'],
    ['  {"version": "https://jsonfeed.org/version/1"}', 'json'],
    ['plain text', null],
  ])('%j → %s', (text, expected) => {
    expect(rootElementName(text)).toBe(expected);
  });
});

describe('cadence', () => {
  const base: SourceState = {
    lastPollAt: null, lastSuccessAt: null, lastOutcome: null, lastMessage: null, itemsFound: 0, itemsEnqueued: 0,
    backoff: 1, skipTicks: 0, notBefore: null, skipHours: [], skipDays: [],
  };
  const at = new Date('2026-11-28T10:30:00Z'); // a Saturday

  it.each([
    [{}, null],
    [{ skipDays: ['Saturday'] }, 'skip_days'],
    [{ skipHours: [10] }, 'skip_hours'],
    [{ skipHours: [9, 11] }, null],
    [{ notBefore: at.getTime() + 1 }, 'not_before'],
    [{ notBefore: at.getTime() }, null],
    [{ skipTicks: 2, backoff: 4 }, 'backoff'],
  ] as Array<[Partial<SourceState>, string | null]>)('state %j → deferral %s', (patch, reason) => {
    expect(deferral({ ...base, ...patch }, at)?.reason ?? null).toBe(reason);
  });

  it('doubles the backoff while nothing is new, up to the bound, and resets it on news', () => {
    let state = { ...base };
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      state = { ...state, ...cadenceAfterPoll(state, { fresh: 0, ttlMinutes: null, maxAgeSeconds: null }, at) };
      seen.push(state.backoff);
    }
    expect(seen).toEqual([2, 4, 8, 16, 16, 16]);
    expect(MAX_BACKOFF).toBe(16);
    expect(cadenceAfterPoll(state, { fresh: 3, ttlMinutes: null, maxAgeSeconds: null }, at)).toMatchObject({ backoff: 1, skipTicks: 0 });
  });

  it.each([
    [{ ttlMinutes: 30, maxAgeSeconds: null }, 30 * 60_000],
    [{ ttlMinutes: 5, maxAgeSeconds: 900 }, 900_000],
    [{ ttlMinutes: 3 * 24 * 60, maxAgeSeconds: null }, 24 * 3600_000],
    [{ ttlMinutes: null, maxAgeSeconds: 10 * 24 * 3600 }, 3600_000],
    [{ ttlMinutes: 90, maxAgeSeconds: 10 * 24 * 3600 }, 90 * 60_000],
  ])('holds polls off for the longer of ttl (at most a day) and max-age (at most an hour): %j', (facts, holdMs) => {
    expect(cadenceAfterPoll(base, { fresh: 1, ...facts }, at).notBefore).toBe(at.getTime() + holdMs);
  });

  it.each([
    [undefined, null],
    ['public, max-age=300', 300],
    ['max-age="60", must-revalidate', 60],
    ['no-cache', 0],
    ['private', null],
  ])('Cache-Control %j → max-age %s', (header, expected) => {
    expect(maxAgeSeconds(header)).toBe(expected);
  });
});

describe('newestFirst', () => {
  it('orders by date, newest first, undated last in listed order', () => {
    const items = [
      { id: 'u1', publishedAt: null, lastmod: null },
      { id: 'old', publishedAt: '2026-01-01T00:00:00.000Z', lastmod: null },
      { id: 'lm', publishedAt: null, lastmod: '2026-06-01T00:00:00.000Z' },
      { id: 'u2', publishedAt: null, lastmod: null },
      { id: 'new', publishedAt: '2026-11-01T00:00:00.000Z', lastmod: null },
    ];
    expect(newestFirst(items).map((i) => i.id)).toEqual(['new', 'lm', 'old', 'u1', 'u2']);
  });
});

describe('feed discovery helpers', () => {
  it('finds the feeds a page declares, absolute, without duplicates or non-feeds', () => {
    const html = `<html><head>
      <link rel="alternate" type="application/rss+xml" title="All news" href="/rss/all.xml">
      <link rel="alternate" type="application/atom+xml" href="https://news.example/atom">
      <link rel="alternate" type="application/rss+xml" href="/rss/all.xml">
      <link rel="alternate" hreflang="ko" href="/ko/">
      <link rel="stylesheet" type="text/css" href="/s.css">
    </head></html>`;
    expect(feedLinksInHtml(html, 'https://news.example/home')).toEqual([
      { url: 'https://news.example/rss/all.xml', title: 'All news' },
      { url: 'https://news.example/atom', title: null },
    ]);
  });

  it('reads Sitemap lines of robots.txt', () => {
    expect(sitemapsInRobots('User-agent: *\nDisallow: /x\nSitemap: https://news.example/news.xml\nsitemap:/rel.xml\n', 'https://news.example/')).toEqual([
      'https://news.example/news.xml',
      'https://news.example/rel.xml',
    ]);
  });
});
