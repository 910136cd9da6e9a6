/**
 * parseHtml takes the page whole or in the pieces decode.ts makes; a cut anywhere (inside a tag
 * name, an attribute value, an entity, a script, a text) must give the same tree.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHtml } from '../../src/pipeline/parse.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/pages');

function cut(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let at = 0; at < text.length; at += size) pieces.push(text.slice(at, at + size));
  return pieces;
}

describe('parseHtml on pieces', () => {
  const pages = readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.html'));

  it('has fixture pages to read', () => {
    expect(pages.length).toBeGreaterThan(1);
  });

  it.each([1, 7, 97, 4096])('builds the same tree from pieces of %i characters as from the whole page', (size) => {
    for (const file of pages) {
      const html = readFileSync(join(FIXTURES, file), 'utf8');
      expect(parseHtml(cut(html, size)).$.html(), file).toBe(parseHtml(html).$.html());
    }
  });

  it('builds the same tree across a cut inside an entity, an attribute and a script', () => {
    const html = '<p title="a &amp; b">x &eacute; y</p><!--><script>if (a < b) {}</script><!---><p>z</p><![CDATA[]]>';
    for (let at = 1; at < html.length; at++) {
      expect(parseHtml([html.slice(0, at), html.slice(at)]).$.html(), `cut at ${at}`).toBe(parseHtml(html).$.html());
    }
  });

  // A truncated page can end inside a tag. Inside `</div ` or `<br /` htmlparser2 hands the rest
  // over as text from position -1, which in a stream of pieces reached back into earlier pieces:
  // up to a whole piece of markup came out as text, and into the article.
  const endings = ['</div ', '</div class="x"', '</html\n', '<br /', '<br/', '<img src="a.jpg" /', '<img src=a /', '</script ', '<p', '<p class="a', '</div', '<!-- c', '&amp', 'text'];
  it.each(endings)('builds the same tree from pieces when the page ends in %j', (ending) => {
    const html = `<body><article>${'<p>Some words of the story.</p>'.repeat(40)}<p>Last one.${ending}`;
    const whole = parseHtml(html).$.html();
    for (const at of [1, 100, html.length - ending.length - 3, html.length - 1]) {
      expect(parseHtml([html.slice(0, at), html.slice(at)]).$.html(), `cut at ${at}`).toBe(whole);
      expect(parseHtml([html.slice(0, at), html.slice(at), '']).$.html(), `cut at ${at}, then an empty piece`).toBe(whole);
    }
  });
});
