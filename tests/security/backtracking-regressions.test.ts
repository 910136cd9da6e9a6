/**
 * The slow inputs found by the regex check and the fuzzing, each through its public entry point.
 * Before their fixes each of these took from seconds to minutes (figures in the commit messages);
 * the per-test timeout is the hang guard, set well above today's time on a loaded machine.
 */
import { describe, expect, it } from 'vitest';
import { decodeInput } from '../../src/pipeline/decode.js';
import { sanitizeHtml } from '../../src/pipeline/sanitize.js';
import { extractArticle } from '../../src/index.js';

const PARAGRAPHS = Array.from(
  { length: 6 },
  (_, i) => `<p>Paragraph ${i + 1} of the report: the council voted on Tuesday to extend program ${i + 1} for two years, officials said.</p>`,
).join('');

function page(head: string, body: string): string {
  return `<html><head>${head}</head><body><article><h1>Council vote</h1>${PARAGRAPHS}${body}</article></body></html>`;
}

describe('inputs that used to backtrack for seconds or forever', () => {
  it('comment-like prefix without a Content-Type (exponential in decode: 227 chars took 77 s)', { timeout: 5_000 }, () => {
    const text = `${'<!-' + '---><!----><!-'.repeat(2_000)} The council voted on Tuesday.`;
    expect(decodeInput(text).kind).toBe('text');
  });

  it('40,000 nested empty inline elements (one regex pass per level in sanitize)', { timeout: 20_000 }, () => {
    const html = `<p>x${'<b>'.repeat(40_000)}${'</b>'.repeat(40_000)}y</p>`;
    expect(sanitizeHtml(html, { baseUrl: null })).toBe('<p>xy</p>');
  });

  it('broken JSON-LD: one "}" then 200 KB of spaces (two \\s* splitting one run)', { timeout: 10_000 }, () => {
    const ld = `<script type="application/ld+json">{"@type":"NewsArticle","headline":"H"}${' '.repeat(200_000)}x</script>`;
    const article = extractArticle(page(ld, ''), { url: 'https://news.example/a.html' });
    expect(article?.text).toContain('Paragraph 6 of the report');
  });

  it('JSON-LD URL of 200,000 "#" then a newline ([?#].*$ retried from every "#")', { timeout: 10_000 }, () => {
    const url = `https://news.example/a.html${'#'.repeat(200_000)}\\n#`;
    const ld = `<script type="application/ld+json">{"@type":"NewsArticle","headline":"H","url":"${url}","mainEntityOfPage":"${url}"}</script>`;
    const article = extractArticle(page(ld, ''), { url: 'https://news.example/a.html' });
    expect(article?.text).toContain('Paragraph 6 of the report');
  });

  it('a byline of 100,000 tabs and spaces before a date (\\s+ retried from every whitespace)', { timeout: 10_000 }, () => {
    const byline = `<meta name="author" content="Jane${' \t'.repeat(50_000)}x">`;
    const article = extractArticle(page(byline, ''), { url: 'https://news.example/a.html' });
    expect(article?.text).toContain('Paragraph 6 of the report');
  });
});
