/**
 * Bad input never crashes or hangs the pipeline: it gives a typed error naming the problem, or
 * null when the page simply holds no article. Each case runs under a short test timeout, a guard
 * against hangs (speed itself is measured in bench/, not here).
 */
import { describe, expect, it } from 'vitest';
import { extractArticle, InputError } from '../../src/index.js';

const PARAGRAPH = '<p>The council voted on Tuesday to extend the program for another two years, officials said in a statement.</p>';
/** Distinct paragraphs: a body of one sentence repeated would look like a scrape artefact. */
const ARTICLE = Array.from({ length: 8 }, (_, i) => `<p>Paragraph ${i + 1} of the report: the council voted on Tuesday to extend program number ${i + 1} for another two years, officials said.</p>`).join('');

function expectInputError(run: () => unknown, reason: string, message: RegExp): void {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).reason).toBe(reason);
    expect((err as Error).message).toMatch(message);
    return;
  }
  throw new Error(`expected an InputError ${reason}`);
}

describe('bad input', () => {
  it('empty input is an InputError', { timeout: 2000 }, () => {
    expectInputError(() => extractArticle(''), 'empty_input', /empty/i);
    expectInputError(() => extractArticle(Buffer.alloc(0)), 'empty_input', /empty/i);
    expectInputError(() => extractArticle('  \n\t '), 'empty_input', /empty/i);
  });

  it('binary garbage is an InputError', { timeout: 2000 }, () => {
    let seed = 7;
    const bytes = Buffer.from(Array.from({ length: 64 * 1024 }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff));
    expectInputError(() => extractArticle(bytes), 'binary_input', /binary/i);
  });

  it('a 50 MB page is refused before it is parsed', { timeout: 2000 }, () => {
    const big = Buffer.alloc(50 * 1024 * 1024, 'a');
    expectInputError(() => extractArticle(big, { contentType: 'text/html' }), 'too_large', /bytes/);
  });

  it('10,000-deep nesting neither overflows the stack nor hangs', { timeout: 10_000 }, () => {
    const deep = `<html><body>${'<div>'.repeat(10_000)}${ARTICLE}${'</div>'.repeat(10_000)}</body></html>`;
    const article = extractArticle(deep, { contentType: 'text/html' });
    // Either the article inside is found or the page is judged to hold none; both are fine.
    if (article !== null) expect(article.text).toContain('Paragraph 8 of the report');
  });

  it('an unknown charset falls back to sniffing instead of failing', { timeout: 2000 }, () => {
    const page = `<html><head><meta charset="x-no-such-charset"></head><body><article>${ARTICLE}</article></body></html>`;
    const article = extractArticle(Buffer.from(page), { contentType: 'text/html; charset=klingon' });
    expect(article?.text).toContain('Paragraph 8 of the report');
  });

  it('a page with no article gives null', { timeout: 2000 }, () => {
    const nav = '<html><body><nav><a href="/a">Home</a> <a href="/b">World</a></nav><footer>© 2024 Example</footer></body></html>';
    expect(extractArticle(nav, { contentType: 'text/html' })).toBeNull();
  });

  it.each([
    ['not a url', /absolute URL/],
    ['ftp://example.test/a', /only http\(s\)/],
    ['javascript:alert(1)', /only http\(s\)/],
  ])('a bad url option %s is an InputError', (url, message) => {
    expect(() => extractArticle(PARAGRAPH, { url })).toThrow(message);
  });
});
