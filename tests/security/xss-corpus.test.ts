/**
 * Issue 6, item 12: a public XSS corpus (tests/security/data, sources in the files' headers) run
 * through the sanitizer directly and through the whole pipeline, embedded in a realistic article
 * page. On the output, re-parsed by htmlparser2 and by parse5: only allowlisted tags and
 * attributes, no on* or style, every href/src http(s) after entity decoding and control/space
 * stripping, both parsers building the same elements, and sanitizing again changing nothing.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractArticle, InputError } from '../../src/index.js';
import { sanitizeHtml } from '../../src/pipeline/sanitize.js';
import { isHttpUrl, parserDisagreement, safetyViolations } from './html-safety.js';

const DATA = new URL('./data/', import.meta.url);

function loadPayloads(): string[] {
  const lines = readFileSync(new URL('xss-payloads.txt', DATA), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('# '));
  const raw = JSON.parse(readFileSync(new URL('xss-control-chars.json', DATA), 'utf8')) as { payloads: string[] };
  return [...lines, ...raw.payloads];
}

const PAYLOADS = loadPayloads();
const PAGE_URL = 'https://news.example.com/world/2026/11/28/council-transit.html';

const PARAGRAPHS = [
  'The city council voted on Tuesday to extend the downtown transit program for another two years, officials said.',
  'The program, which began in 2019, funds late-night bus routes and a fare discount for students and older riders.',
  'Council members said ridership had recovered to pre-pandemic levels on most routes, according to figures released this week.',
  'The extension will cost about 14 million dollars a year, paid from the regional sales tax approved by voters in 2018.',
];

/** A news page with the payload inside a paragraph and again between paragraphs. */
function articlePage(payload: string): string {
  const [p1, p2, p3, p4] = PARAGRAPHS;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Council extends transit program</title>
<link rel="canonical" href="${PAGE_URL}"></head><body><header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<main><article><h1>Council extends transit program</h1><p class="byline">By Jane Doe</p>
<p>${p1}</p><p>${p2} ${payload} The vote was 9 to 2.</p><p>${p3}</p>
${payload}
<p>${p4}</p></article></main><footer>© 2026 Example News</footer></body></html>`;
}

function expectSafe(html: string, label: string): void {
  expect(safetyViolations(html), `${label}\noutput: ${html}`).toEqual([]);
  // A browser (parse5) and newsworker's own parser must read the same elements out of it.
  expect(parserDisagreement(html), `${label}: parsers disagree on\n${html}`).toBeNull();
}

describe('the oracle can fail', () => {
  const table: Array<[html: string, violation: RegExp]> = [
    ['<p onclick="x()">a</p>', /event handler onclick/],
    ['<p style="color:red">a</p>', /style on <p>/],
    ['<script>alert(1)</script>', /disallowed tag <script>/],
    ['<a href="jav&#x09;ascript:alert(1)">a</a>', /non-http\(s\) href/],
    ['<img src=" javascript:alert(1)" alt="">', /non-http\(s\) src/],
    ['<a href="https://e.com/" title="t">a</a>', /disallowed attribute title/],
    ['<p><!-- c --></p>', /comment node/],
    ['<svg><p>a</p></svg>', /namespace/],
  ];
  it.each(table)('%s', (html, violation) => {
    expect(safetyViolations(html).join('\n')).toMatch(violation);
  });

  it('sees an element one parser builds and the other does not', () => {
    expect(parserDisagreement('<p>a <b>b</b></p>')).toBeNull();
    expect(parserDisagreement('<p>a <li>b</li> c</p>')).toBeNull(); // an early-closed <p> only
    expect(parserDisagreement('<b><p>x</p></b>')).toBeNull(); // a reopened <b> only
    expect(parserDisagreement('<p>x<table><td>y</td></table></p>')).toMatch(/<t/);
  });

  it('reads URLs as a browser does', () => {
    expect(isHttpUrl('https://news.example/a')).toBe(true);
    expect(isHttpUrl('\u0001java\tscript:alert(1)')).toBe(false);
    expect(isHttpUrl('data:text/html,x')).toBe(false);
  });
});

describe(`XSS corpus (${PAYLOADS.length} payloads)`, () => {
  it('holds a few hundred payloads', () => {
    expect(PAYLOADS.length).toBeGreaterThanOrEqual(300);
  });

  it('sanitizeHtml: only the allowlist survives, and sanitizing again changes nothing', () => {
    for (const [i, payload] of PAYLOADS.entries()) {
      const label = `payload #${i}: ${JSON.stringify(payload)}`;
      for (const baseUrl of [PAGE_URL, null]) {
        const out = sanitizeHtml(payload, { baseUrl });
        expectSafe(out, label);
        expect(sanitizeHtml(out, { baseUrl }), `${label}: not idempotent`).toBe(out);
      }
    }
  });

  it('sanitizeHtml inside a paragraph: the same', () => {
    for (const [i, payload] of PAYLOADS.entries()) {
      const out = sanitizeHtml(`<p>Before ${payload} after.</p>`, { baseUrl: PAGE_URL });
      expectSafe(out, `payload #${i} in <p>: ${JSON.stringify(payload)}`);
      expect(sanitizeHtml(out, { baseUrl: PAGE_URL })).toBe(out);
    }
  });

  it('extractArticle: the article html is safe, and the article around the payload is kept', { timeout: 120_000 }, () => {
    let kept = 0;
    const lost: string[] = [];
    for (const [i, payload] of PAYLOADS.entries()) {
      const label = `payload #${i}: ${JSON.stringify(payload)}`;
      let article;
      try {
        article = extractArticle(articlePage(payload), { url: PAGE_URL, contentType: 'text/html; charset=utf-8' });
      } catch (err) {
        // A typed refusal (a page of control characters is 'binary_input') lets nothing in either.
        expect(err, label).toBeInstanceOf(InputError);
        lost.push(`${label} (${(err as InputError).reason})`);
        continue;
      }
      if (article === null) {
        lost.push(label);
        continue;
      }
      expectSafe(article.html, label);
      expect(sanitizeHtml(article.html, { baseUrl: PAGE_URL }), `${label}: not idempotent`).toBe(article.html);
      if (article.html.includes('funds late-night bus routes')) kept += 1;
    }
    // The payload was really embedded in extracted content, not dropped with the whole page: a
    // few payloads (<plaintext>, an unclosed <textarea>) legitimately swallow the rest of the page.
    expect(lost.length, `no article for:\n${lost.join('\n')}`).toBeLessThanOrEqual(PAYLOADS.length * 0.05);
    expect(kept).toBeGreaterThanOrEqual(PAYLOADS.length * 0.9);
  });
});
