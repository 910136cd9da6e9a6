/** The inspector's page text and the placing of removed blocks in it. */
import { describe, expect, it } from 'vitest';
import { htmlPageText, locateRemovals, plainPageText, segments } from '../../src/http/inspector/highlight.js';
import { escapeHtml, renderArticle } from '../../src/http/inspector/render.js';
import { makeArticle } from '../store/helpers.js';

describe('htmlPageText', () => {
  it.each([
    ['<p>One</p><p>Two</p>', 'One\nTwo'],
    ['<div>A <b>bold</b>\n  word</div>', 'A bold word'],
    ['<p>x</p><script>var a = "<p>no</p>";</script><style>p{}</style><p>y</p>', 'x\ny'],
    ['<head><title>T</title></head><body><p>Body</p></body>', 'Body'],
    ['<p>Line<br>break</p>', 'Line\nbreak'],
    ['<p>caf\u0065\u0301&nbsp;&amp; more</p>', 'caf\u00e9 & more'],
    ['<ul><li>a</li><li>b</li></ul>', 'a\nb'],
  ])('%s gives %j', (html, text) => {
    expect(htmlPageText(html)).toBe(text);
  });

  it('reads a 10,000-deep page without overflowing the stack', () => {
    const deep = `${'<div>'.repeat(10_000)}deep text${'</div>'.repeat(10_000)}`;
    expect(htmlPageText(deep)).toBe('deep text');
  });
});

describe('locateRemovals', () => {
  const page = plainPageText('Home | World\nThe story begins.\nShare this\nThe story ends.\nShare this\nCopyright 2026');

  it.each([
    [[{ rule: 'nav-phrase', text: 'Home | World' }], [[0, 12, 'nav-phrase']], []],
    // Two removals of the same text take the two occurrences, in order.
    [[{ rule: 'share', text: 'Share this' }, { rule: 'share', text: 'Share this' }], [[31, 41, 'share'], [58, 68, 'share']], []],
    // Out of page order (rules run one after another): found from the top again.
    [[{ rule: 'footer', text: 'Copyright 2026' }, { rule: 'nav', text: 'Home | World' }], [[0, 12, 'nav'], [69, 83, 'footer']], []],
    // Whitespace differences do not matter.
    [[{ rule: 'r', text: 'The  story\nbegins.' }], [[13, 30, 'r']], []],
    // A removal spanning two lines of the page text.
    [[{ rule: 'r', text: 'The story ends. Share this' }], [[42, 68, 'r']], []],
    [[{ rule: 'r', text: 'Not on the page' }], [], ['Not on the page']],
  ])('%j', (removed, located, missing) => {
    const h = locateRemovals(page, removed);
    expect(h.located.map((l) => [l.start, l.end, l.rule])).toEqual(located);
    expect(h.missing.map((m) => m.text)).toEqual(missing);
    for (const l of h.located) expect(page.slice(l.start, l.end).replace(/\n/g, ' ')).toBe(removed[l.index]!.text.replace(/\s+/g, ' '));
  });

  it('segments cover the page text exactly, removed stretches labelled', () => {
    const h = locateRemovals(page, [{ rule: 'share', text: 'Share this' }]);
    const parts = segments(page, h.located);
    expect(parts.map((p) => p.text).join('')).toBe(page);
    expect(parts.filter((p) => p.rule !== null).map((p) => [p.rule, p.text])).toEqual([['share', 'Share this']]);
  });
});

describe('renderArticle', () => {
  it('marks each located removal with its rule and escapes every text', () => {
    const page = plainPageText('<b>Menu</b>\nBody text.');
    const h = locateRemovals(page, [{ rule: 'nav<x>', text: '<b>Menu</b>' }]);
    const html = renderArticle({
      article: makeArticle({ id: 'r1', title: 'A & B <script>', text: 'Body text.' }),
      pageText: page,
      segments: segments(page, h.located),
      highlighting: h,
      notices: [],
    });
    expect(html).toContain('<mark class="removed" data-rule="nav&lt;x&gt;"');
    expect(html).toContain('<span class="rule">nav&lt;x&gt;</span>&lt;b&gt;Menu&lt;/b&gt;</mark>');
    expect(html).toContain('<h1>A &amp; B &lt;script&gt;</h1>');
    expect(html).not.toContain('<script>');
    expect(escapeHtml(`"'`)).toBe('&quot;&#39;');
  });
});
