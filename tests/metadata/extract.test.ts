import { describe, expect, it } from 'vitest';
import { parseHtml } from '../../src/pipeline/parse.js';
import { extractMetadata } from '../../src/pipeline/metadata/index.js';
import type { PageMetadata } from '../../src/pipeline/types.js';

const URL = 'https://www.example-news.com/world/2017/08/tillerson-talks.html';

function extract(head: string, body = '', url: string | null = URL, htmlAttrs = ''): PageMetadata {
  return extractMetadata(parseHtml(`<!doctype html><html ${htmlAttrs}><head>${head}</head><body>${body}</body></html>`), { url });
}

function ld(value: unknown): string {
  return `<script type="application/ld+json">${JSON.stringify(value)}</script>`;
}

const ARTICLE_LD = {
  '@context': 'https://schema.org',
  '@type': 'NewsArticle',
  headline: 'Tillerson renews offer to talk with N. Korea',
  datePublished: '2017-08-23T06:05:00+09:00',
  dateModified: '2017-08-23T08:00:00+09:00',
  author: [{ '@type': 'Person', name: 'Jane Doe' }, { '@type': 'Person', name: 'John Smith' }],
  publisher: { '@type': 'Organization', name: 'The Korea Herald' },
  image: { '@type': 'ImageObject', url: '/images/tillerson.jpg' },
  articleSection: 'World',
  keywords: 'Tillerson, North Korea',
  description: 'Rex Tillerson said Tuesday...',
  mainEntityOfPage: { '@type': 'WebPage', '@id': 'https://www.example-news.com/world/2017/08/tillerson-talks.html' },
};

const OG_HEAD = `
  <meta property="og:title" content="OG: Tillerson renews offer - Example News">
  <meta property="og:site_name" content="Example News">
  <meta property="og:url" content="https://www.example-news.com/og-url.html">
  <meta property="og:image" content="https://cdn.example-news.com/og.jpg">
  <meta property="og:description" content="OG description">
  <meta property="og:locale" content="pt_BR">
  <meta property="article:published_time" content="2017-08-22T10:00:00Z">
  <meta property="article:modified_time" content="2017-08-22T11:00:00Z">
  <meta property="article:section" content="OG Section">
  <meta property="article:tag" content="Diplomacy">
  <meta property="article:tag" content="Asia">
  <meta name="author" content="By Meta Author">`;

describe('extractMetadata: JSON-LD', () => {
  it('reads every field from a NewsArticle node', () => {
    const meta = extract(ld(ARTICLE_LD));
    expect(meta).toEqual({
      title: 'Tillerson renews offer to talk with N. Korea',
      authors: ['Jane Doe', 'John Smith'],
      publishedAt: '2017-08-22T21:05:00.000Z',
      modifiedAt: '2017-08-22T23:00:00.000Z',
      canonicalUrl: URL,
      publisher: 'The Korea Herald',
      language: null,
      section: 'World',
      tags: ['Tillerson', 'North Korea'],
      description: 'Rex Tillerson said Tuesday...',
      image: 'https://www.example-news.com/images/tillerson.jpg',
    } satisfies PageMetadata);
  });

  it('wins over OpenGraph and meta tags', () => {
    const meta = extract(OG_HEAD + ld(ARTICLE_LD));
    expect(meta.title).toBe('Tillerson renews offer to talk with N. Korea');
    expect(meta.authors).toEqual(['Jane Doe', 'John Smith']);
    expect(meta.publishedAt).toBe('2017-08-22T21:05:00.000Z');
    expect(meta.publisher).toBe('The Korea Herald');
    expect(meta.section).toBe('World');
    expect(meta.image).toBe('https://www.example-news.com/images/tillerson.jpg');
    // article:tag is the more specific tag source.
    expect(meta.tags).toEqual(['Diplomacy', 'Asia']);
  });

  it('finds the article in @graph and resolves @id references', () => {
    const graph = {
      '@context': 'https://schema.org',
      '@graph': [
        { '@type': 'WebSite', '@id': 'https://www.example-news.com/#website', name: 'Example News' },
        { '@type': 'Person', '@id': 'https://www.example-news.com/#/person/1', name: 'Graph Author' },
        { '@type': 'Organization', '@id': 'https://www.example-news.com/#org', name: 'Graph Publisher' },
        {
          '@type': 'Article', '@id': `${URL}#article`, headline: 'Graph headline for the story',
          author: { '@id': 'https://www.example-news.com/#/person/1' },
          publisher: { '@id': 'https://www.example-news.com/#org' },
          datePublished: '2019-11-19T10:00:00+00:00',
        },
      ],
    };
    const meta = extract(ld(graph));
    expect(meta.title).toBe('Graph headline for the story');
    expect(meta.authors).toEqual(['Graph Author']);
    expect(meta.publisher).toBe('Graph Publisher');
    expect(meta.publishedAt).toBe('2019-11-19T10:00:00.000Z');
    expect(meta.canonicalUrl).toBe(URL);
  });

  it('reads top-level arrays, @type arrays and prefixed types', () => {
    const list = [
      { '@type': 'BreadcrumbList', itemListElement: [] },
      { '@type': ['ReportageNewsArticle', 'NewsArticle'], headline: 'Array typed headline here', author: 'By Array Author' },
    ];
    expect(extract(ld(list)).title).toBe('Array typed headline here');
    expect(extract(ld(list)).authors).toEqual(['Array Author']);
    const prefixed = { '@type': 'http://schema.org/BlogPosting', headline: 'Prefixed type headline' };
    expect(extract(ld(prefixed)).title).toBe('Prefixed type headline');
  });

  it('skips a broken block and reads the next one', () => {
    const broken = '<script type="application/ld+json">{ "@type": "NewsArticle", "headline": </script>';
    const meta = extract(broken + ld({ '@type': 'AnalysisNewsArticle', headline: 'The good block headline' }));
    expect(meta.title).toBe('The good block headline');
  });

  it('repairs raw newlines and single-quoted values', () => {
    const raw = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Line one\nline two", "description": \'Single quoted\'}</script>';
    const meta = extract(raw);
    expect(meta.title).toBe('Line one line two');
    expect(meta.description).toBe('Single quoted');
  });

  it.each([
    ['<!--', '-->'],
    ['//<![CDATA[', '//]]>'],
    ['// <![CDATA[\n', '\n// ]]>'],
  ])('reads a block wrapped in %s … %s', (open, close) => {
    const wrapped = `<script type="application/ld+json">${open}{"@type": "NewsArticle", "headline": "Wrapped block headline"};${close}</script>`;
    expect(extract(wrapped).title).toBe('Wrapped block headline');
  });

  it('decodes HTML entities written into JSON-LD', () => {
    expect(extract(ld({ '@type': 'NewsArticle', headline: 'Moon&#8217;s plan &amp; more' })).title).toBe('Moon\u2019s plan & more');
  });

  it('prefers the article node about this page over a related one', () => {
    const related = { '@type': 'NewsArticle', headline: 'Related story elsewhere', url: 'https://www.example-news.com/other.html' };
    const own = { '@type': 'NewsArticle', headline: 'The story of this page', url: URL };
    expect(extract(ld(related) + ld(own)).title).toBe('The story of this page');
  });
});

describe('extractMetadata: OpenGraph, meta and document fallbacks', () => {
  it('reads OpenGraph when there is no JSON-LD', () => {
    const meta = extract(OG_HEAD);
    expect(meta).toEqual({
      title: 'OG: Tillerson renews offer',
      authors: ['Meta Author'],
      publishedAt: '2017-08-22T10:00:00.000Z',
      modifiedAt: '2017-08-22T11:00:00.000Z',
      canonicalUrl: 'https://www.example-news.com/og-url.html',
      publisher: 'Example News',
      language: 'pt',
      section: 'OG Section',
      tags: ['Diplomacy', 'Asia'],
      description: 'OG description',
      image: 'https://cdn.example-news.com/og.jpg',
    } satisfies PageMetadata);
  });

  it('reads Twitter cards', () => {
    const meta = extract('<meta name="twitter:title" content="Twitter card title"><meta name="twitter:image" content="//cdn.example.org/t.jpg"><meta name="twitter:description" content="Tw desc">');
    expect([meta.title, meta.image, meta.description]).toEqual(['Twitter card title', 'https://cdn.example.org/t.jpg', 'Tw desc']);
  });

  it.each([
    ['<meta name="pubdate" content="2019-11-19T10:00:00Z">'],
    ['<meta name="publishdate" content="2019-11-19 10:00:00">'],
    ['<meta name="date" content="2019-11-19T10:00:00+00:00">'],
    ['<meta name="DC.date" content="2019-11-19T10:00:00Z">'],
    ['<meta name="sailthru.date" content="Tue, 19 Nov 2019 10:00:00 +0000">'],
    ['<meta name="parsely-pub-date" content="2019-11-19T10:00:00Z">'],
    ['<meta itemprop="datePublished dateCreated" content="2019-11-19T10:00:00.000Z">'],
  ])('reads the publication date from %s', (head) => {
    expect(extract(head).publishedAt).toBe('2019-11-19T10:00:00.000Z');
  });

  it('falls through an invalid date to the next source', () => {
    const head = '<meta property="article:published_time" content="0001-01-01T00:00:00Z"><meta name="pubdate" content="2019-11-19">';
    expect(extract(head).publishedAt).toBe('2019-11-19T00:00:00.000Z');
  });

  it('reads <time datetime> inside the article, and the one marked datePublished', () => {
    const body = '<header><time datetime="2026-01-01">today</time></header><article><h1>Story</h1><time datetime="2019-11-19T10:00:00+01:00">Nov 19</time></article>';
    expect(extract('', body).publishedAt).toBe('2019-11-19T09:00:00.000Z');
    const marked = '<div><time itemprop="datePublished" datetime="2019-11-18">Nov 18</time></div>';
    expect(extract('', marked).publishedAt).toBe('2019-11-18T00:00:00.000Z');
    // A date outside any article and not marked is the site header's, not the story's.
    expect(extract('', '<header><time datetime="2019-11-19">x</time></header>').publishedAt).toBeNull();
  });

  it.each([
    ['<meta name="keywords" content="a, b, , A">', ['a', 'b']],
    ['<meta name="news_keywords" content="news one, news two"><meta name="keywords" content="x">', ['news one', 'news two']],
  ])('reads tags from %s', (head, tags) => {
    expect(extract(head).tags).toEqual(tags);
  });

  it('reads authors from itemprop elements and rel=author links in the body', () => {
    expect(extract('', '<span itemprop="author">By Body Author</span>').authors).toEqual(['Body Author']);
    expect(extract('', '<a rel="author" href="/a/1">Link Author</a>').authors).toEqual(['Link Author']);
  });

  it('walks 10,000 levels of nesting without overflowing the stack', () => {
    const deep = `${'<div>'.repeat(10_000)}<article><h1><span itemprop="author">Deep Author</span> in a deep headline</h1></article>`;
    const meta = extract('', deep);
    expect(meta.title).toBe('Deep Author in a deep headline');
    expect(meta.authors).toEqual(['Deep Author']);
  });

  it('skips profile URLs in article:author and takes the next source', () => {
    const head = '<meta property="article:author" content="https://www.facebook.com/someone"><meta name="parsely-author" content="Parsely Author">';
    expect(extract(head).authors).toEqual(['Parsely Author']);
  });

  it('takes <title> without the site suffix, then the h1', () => {
    const head = '<meta property="og:site_name" content="Example News"><title>Title tag headline | Example News</title>';
    expect(extract(head).title).toBe('Title tag headline');
    expect(extract('', '<h1>  Only an   h1 here </h1>').title).toBe('Only an h1 here');
    expect(extract('', '').title).toBeNull();
  });

  it('strips the host word when the site name is not declared', () => {
    expect(extract('<title>Host word headline - Example News</title>').title).toBe('Host word headline');
  });

  it('prefers the h1 when the title is the h1 plus a section', () => {
    const meta = extract('<title>The real headline - Politics</title>', '<article><h1>The real headline</h1></article>');
    expect(meta.title).toBe('The real headline');
  });

  it('replaces a truncated JSON-LD headline by the full og:title', () => {
    const head = ld({ '@type': 'NewsArticle', headline: 'A very long headline that was cut…' }) +
      '<meta property="og:title" content="A very long headline that was cut at 110 characters">';
    expect(extract(head).title).toBe('A very long headline that was cut at 110 characters');
  });

  it('reads the publisher from application-name last, and never a URL or a platform', () => {
    expect(extract('<meta name="application-name" content="App Name">').publisher).toBe('App Name');
    expect(extract('<meta name="application-name" content="Blogger">').publisher).toBeNull();
    expect(extract(ld({ '@type': 'NewsArticle', publisher: { name: 'https://x.example.com' } }) + '<meta property="og:site_name" content="Site">').publisher).toBe('Site');
  });
});

describe('extractMetadata: canonical URL', () => {
  it.each([
    ['<link rel="canonical" href="/world/2017/08/tillerson-talks.html?ref=x#top">', URL, 'https://www.example-news.com/world/2017/08/tillerson-talks.html?ref=x'],
    ['<link rel="canonical" href="https://other.example.org/original-story">', URL, 'https://other.example.org/original-story'],
    // A home-page canonical on an article path is not trusted; og:url is used instead.
    ['<link rel="canonical" href="/"><meta property="og:url" content="https://www.example-news.com/og-url.html">', URL, 'https://www.example-news.com/og-url.html'],
    ['<link rel="canonical" href="https://www.example-news.com/">', URL, null],
    // On the home page itself the home page is the canonical.
    ['<link rel="canonical" href="https://www.example-news.com/">', 'https://www.example-news.com/', 'https://www.example-news.com/'],
    // Relative without a base, other schemes and placeholders are dropped.
    ['<link rel="canonical" href="/story.html">', null, null],
    ['<link rel="canonical" href="javascript:void(0)">', URL, null],
    ['<link rel="canonical" href="https://www.example-news.com/{{slug}}">', URL, null],
    ['<link rel="canonical" href="http://localhost:8080/story">', URL, null],
    ['<link rel="canonical" href="https://www.example-news.com/story.html">', null, 'https://www.example-news.com/story.html'],
  ])('%s on %s → %s', (head, url, expected) => {
    expect(extract(head, '', url).canonicalUrl).toBe(expected);
  });
});

describe('extractMetadata: language', () => {
  it.each([
    ['lang="en-US"', '', 'en'],
    ['lang="KO"', '', 'ko'],
    ['', '<meta http-equiv="content-language" content="pt-BR, en">', 'pt'],
    ['', '<meta property="og:locale" content="ru_RU">', 'ru'],
    ['lang=""', '<meta name="language" content="English">', 'en'],
    ['', ld({ '@type': 'NewsArticle', inLanguage: 'it-IT' }), 'it'],
    ['lang="und"', '', null],
    ['', '', null],
  ])('html %s head %s → %s', (htmlAttrs, head, expected) => {
    expect(extract(head, '', URL, htmlAttrs).language).toBe(expected);
  });
});
