/**
 * The sanitize stage's shortcut (src/pipeline/sanitized-form.ts) against sanitize-html itself: on
 * the rendered blocks of every fixture page and every scrapinghub-aeb page (when the shared dataset
 * is present), before and after cleaning, and on generated markup mixing output-form pieces with
 * everything the shortcut must refuse.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanBlocks } from '../../src/pipeline/clean/index.js';
import { extractGenericContent } from '../../src/pipeline/content/generic.js';
import { decodeInput } from '../../src/pipeline/decode.js';
import { extractMetadata } from '../../src/pipeline/metadata/index.js';
import { parseHtml } from '../../src/pipeline/parse.js';
import { renderUnsanitized, sanitizeHtml, sanitizeHtmlWithLibrary } from '../../src/pipeline/sanitize.js';
import { sanitizedForm } from '../../src/pipeline/sanitized-form.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/pages');
const DATASET = join(import.meta.dirname, '../../../shared/datasets/scrapinghub-aeb');

interface Page {
  name: string;
  url: string;
  html: Buffer;
}

function fixturePages(): Page[] {
  return readdirSync(FIXTURES)
    .filter((dir) => existsSync(join(FIXTURES, dir, 'source.html')))
    .map((dir) => ({
      name: dir,
      url: (JSON.parse(readFileSync(join(FIXTURES, dir, 'input.json'), 'utf8')) as { url: string }).url,
      html: readFileSync(join(FIXTURES, dir, 'source.html')),
    }));
}

function datasetPages(): Page[] {
  const truth = JSON.parse(readFileSync(join(DATASET, 'ground-truth.json'), 'utf8')) as Record<string, { url?: string }>;
  return Object.keys(truth)
    .filter((id) => existsSync(join(DATASET, 'html', `${id}.html.gz`)))
    .map((id) => ({ name: id, url: truth[id]?.url ?? 'https://example.com/', html: gunzipSync(readFileSync(join(DATASET, 'html', `${id}.html.gz`))) }));
}

/** The unsanitized HTML of a page's blocks as extractArticle renders them: generic blocks, then cleaned. */
function renderedPage(page: Page): string[] {
  const parsed = parseHtml(decodeInput(page.html, { contentType: 'text/html' }).text);
  const metadata = extractMetadata(parsed, { url: page.url });
  const blocks = extractGenericContent(parsed.document, { baseUrl: page.url });
  const cleaned = cleanBlocks(blocks, {
    rule: null, metadata, title: metadata.title, authors: metadata.authors, removed: [], dateline: null, agency: null, images: [],
  });
  return [renderUnsanitized(blocks), renderUnsanitized(cleaned)];
}

/** sanitize.ts's URL check, for counting how often the shortcut applies. */
function safeUrlAgainst(base: string): (raw: string) => string | undefined {
  return (raw) => {
    try {
      const url = new URL(raw, base);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
    } catch {
      return undefined;
    }
  };
}

function compareOn(pages: Page[]): number {
  let shortcuts = 0;
  let renders = 0;
  for (const page of pages) {
    for (const html of renderedPage(page)) {
      renders++;
      if (sanitizedForm(html, safeUrlAgainst(page.url)) !== null) shortcuts++;
      expect(sanitizeHtml(html, { baseUrl: page.url }), page.name).toBe(sanitizeHtmlWithLibrary(html, { baseUrl: page.url }));
    }
  }
  return shortcuts / renders;
}

describe('sanitize shortcut matches sanitize-html', () => {
  it('on the fixture pages', () => {
    const pages = fixturePages();
    expect(pages.length).toBeGreaterThan(0);
    compareOn(pages);
  });

  it.skipIf(!existsSync(join(DATASET, 'ground-truth.json')))('on every scrapinghub-aeb page, taking the shortcut on most', () => {
    const share = compareOn(datasetPages());
    expect(share).toBeGreaterThan(0.9);
  }, 120_000);

  it.each([
    ['output form', '<p>A <strong>b</strong> &amp; <a href="https://e.com/x?a=1&amp;b=2">c</a><br>d</p>\n<ul><li>x</li></ul>', true],
    ['image', '<figure><img src="https://e.com/i.jpg" alt="A &quot;cat&quot; &amp; dog"><figcaption>Cat</figcaption></figure>', true],
    ['relative link', '<p><a href="/about">about</a></p>', false],
    ['link the URL parser rewrites', '<p><a href="https://E.com">e</a></p>', false],
    ['javascript link', '<p><a href="javascript:alert(1)">x</a></p>', false],
    ['attribute on a plain tag', '<p class="x">t</p>', false],
    ['disallowed tag', '<p><span>t</span></p>', false],
    ['block inside a paragraph', '<p>a<ul><li>b</li></ul></p>', false],
    ['list item inside a list item', '<ul><li>a<li>b</li></li></ul>', false],
    ['misnested close', '<p><b>a</p></b>', false],
    ['unclosed', '<p>a', false],
    ['raw >', '<p>a > b</p>', false],
    ['other entity', '<p>a&nbsp;b</p>', false],
    ['comment', '<p>a<!-- c --></p>', false],
    ['upper-case tag', '<P>a</P>', false],
    ['self-closed br', '<p>a<br/>b</p>', false],
  ])('%s', (_name, html, taken) => {
    const base = 'https://news.example.com/a/b.html';
    expect(sanitizedForm(html, safeUrlAgainst(base)) !== null).toBe(taken);
    expect(sanitizeHtml(html, { baseUrl: base })).toBe(sanitizeHtmlWithLibrary(html, { baseUrl: base }));
  });

  it('on generated markup', () => {
    const pieces = [
      '<p>', '</p>', '<h2>', '</h2>', '<h3>', '</h3>', '<blockquote>', '</blockquote>', '<ul>', '</ul>', '<ol>', '</ol>', '<li>', '</li>',
      '<strong>', '</strong>', '<em>', '</em>', '<b>', '</b>', '<i>', '</i>', '<figure>', '</figure>', '<figcaption>', '</figcaption>',
      '<a href="https://e.com/x">', '<a href="https://e.com/x?a=1&amp;b=2">', '<a href="/rel">', '<a href="https://E.com">', '<a>', '</a>',
      '<img src="https://e.com/i.jpg" alt="">', '<img src="https://e.com/i.jpg" alt="a &quot;b&quot;">', '<img src="x.jpg" alt="y">',
      '<br>', '<br/>', '<span>', '</span>', '<div>', '</div>', 'text', ' ', '\n', '&amp;', '&lt;', '&gt;', '&nbsp;', '&', '>', '"', "'", 'é',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 25 }), (parts) => {
        const html = parts.join('');
        const base = 'https://news.example.com/a/b.html';
        expect(sanitizeHtml(html, { baseUrl: base })).toBe(sanitizeHtmlWithLibrary(html, { baseUrl: base }));
      }),
      { numRuns: 4000 },
    );
  });
});
