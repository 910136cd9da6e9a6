import { describe, expect, it } from 'vitest';
import { ALLOWED_TAGS, renderBlocksHtml, sanitizeHtml } from '../../src/pipeline/sanitize.js';
import type { Block } from '../../src/pipeline/types.js';

const BASE = 'https://news.example.com/politics/2026/11/28/story.html';

describe('sanitizeHtml', () => {
  const cases: Array<{ name: string; html: string; baseUrl?: string | null; expected: string }> = [
    { name: 'keeps allowed inline markup', html: '<p>A <strong>b</strong> <em>c</em> <b>d</b> <i>e</i><br>f</p>', expected: '<p>A <strong>b</strong> <em>c</em> <b>d</b> <i>e</i><br />f</p>' },
    { name: 'drops style, class, id and handlers', html: '<p style="color:red" class="x" id="y" onclick="evil()">Text</p>', expected: '<p>Text</p>' },
    { name: 'unwraps disallowed tags, keeping text', html: '<div><p>One <span class="s">two</span> <u>three</u></p></div>', expected: '<p>One two three</p>' },
    { name: 'drops script with its content', html: '<p>Before<script>alert(1)</script> after</p>', expected: '<p>Before after</p>' },
    { name: 'drops style with its content', html: '<style>p{color:red}</style><p>Text</p>', expected: '<p>Text</p>' },
    { name: 'drops iframe with its content', html: '<p>x</p><iframe src="https://evil.example/">fallback</iframe>', expected: '<p>x</p>' },
    { name: 'drops svg with its content', html: '<p>x</p><svg><text>svg text</text><p>inner</p></svg>', expected: '<p>x</p>' },
    { name: 'drops math, noscript and template', html: '<math><mi>x</mi></math><noscript><p>enable js</p></noscript><template><p>tpl</p></template><p>ok</p>', expected: '<p>ok</p>' },
    { name: 'drops a form with its fields', html: '<form action="/s"><p>Subscribe</p><input name="q"><button>Go</button></form><p>Body</p>', expected: '<p>Body</p>' },
    { name: 'keeps h1..h4 allowlist exactly', html: '<h1>Big</h1><h2>Two</h2><h3>Three</h3><h4>Four</h4><h5>Five</h5>', expected: 'Big<h2>Two</h2><h3>Three</h3><h4>Four</h4>Five' },
    { name: 'resolves a relative link', html: '<p><a href="../other.html" title="t">link</a></p>', expected: '<p><a href="https://news.example.com/politics/2026/11/other.html">link</a></p>' },
    { name: 'resolves a protocol-relative link', html: '<p><a href="//cdn.example.com/x">cdn</a></p>', expected: '<p><a href="https://cdn.example.com/x">cdn</a></p>' },
    { name: 'keeps an absolute http link', html: '<p><a href="http://Other.Example.org/a?b=1&amp;c=2">o</a></p>', expected: '<p><a href="http://other.example.org/a?b=1&amp;c=2">o</a></p>' },
    { name: 'drops a relative link with no base, keeping its text', html: '<p>See <a href="/about">about us</a>.</p>', baseUrl: null, expected: '<p>See about us.</p>' },
    { name: 'keeps an absolute link with no base', html: '<p><a href="https://e.com/x">e</a></p>', baseUrl: null, expected: '<p><a href="https://e.com/x">e</a></p>' },
    { name: 'drops javascript: links', html: '<p><a href="javascript:alert(1)">click</a> me</p>', expected: '<p>click me</p>' },
    { name: 'drops javascript: hidden by a tab', html: '<p><a href="java&#x09;script:alert(1)">click</a></p>', expected: '<p>click</p>' },
    { name: 'drops JavaScript: in upper case with spaces', html: '<p><a href="  JavaScript:alert(1)">click</a></p>', expected: '<p>click</p>' },
    { name: 'drops data: and vbscript: links', html: '<p><a href="data:text/html,<b>x</b>">d</a> <a href="vbscript:msgbox">v</a></p>', expected: '<p>d v</p>' },
    { name: 'drops mailto: and ftp: links', html: '<p><a href="mailto:a@b.c">mail</a> <a href="ftp://f.example/x">ftp</a></p>', expected: '<p>mail ftp</p>' },
    { name: 'keeps the next sibling link intact after a dropped one', html: '<p><a href="javascript:x">bad</a> <a href="https://e.com/">good</a></p>', expected: '<p>bad <a href="https://e.com/">good</a></p>' },
    { name: 'resolves an image and keeps only src and alt', html: '<figure><img src="/i/1.jpg" alt="A cat" width="30" loading="lazy"><figcaption>Cat</figcaption></figure>', expected: '<figure><img src="https://news.example.com/i/1.jpg" alt="A cat" /><figcaption>Cat</figcaption></figure>' },
    { name: 'drops a data: image', html: '<p>x<img src="data:image/png;base64,AAAA" alt="d"></p>', expected: '<p>x</p>' },
    { name: 'drops an image without src', html: '<p>x<img alt="d"></p>', expected: '<p>x</p>' },
    { name: 'drops empty blocks', html: '<p></p><p> &nbsp; </p><p><script>x</script></p><ul><li></li></ul><p>kept</p>', expected: '<p>kept</p>' },
    { name: 'keeps a linked image with no text', html: '<p><a href="/x"><img src="/i.jpg" alt=""></a></p>', expected: '<p><a href="https://news.example.com/x"><img src="https://news.example.com/i.jpg" alt="" /></a></p>' },
    { name: 'drops empty inline markup, keeping the text', html: '<p><strong> </strong>text<em></em></p>', expected: '<p> text</p>' },
    { name: 'an empty inline element between words leaves a space', html: '<p>two<b> </b>words<a href="https://e.com/"></a>!</p>', expected: '<p>two words!</p>' },
    { name: 'escapes text', html: '<p>a &lt;b&gt; &amp; "q"</p>', expected: '<p>a &lt;b&gt; &amp; "q"</p>' },
    { name: 'an unsafe base URL counts as none', html: '<p><a href="/x">x</a></p>', baseUrl: 'javascript:alert(1)', expected: '<p>x</p>' },
  ];
  it.each(cases)('$name', ({ html, baseUrl, expected }) => {
    const out = sanitizeHtml(html, { baseUrl: baseUrl === undefined ? BASE : baseUrl });
    expect(out).toBe(expected);
    // Idempotent: sanitizing the output again changes nothing.
    expect(sanitizeHtml(out, { baseUrl: baseUrl === undefined ? BASE : baseUrl })).toBe(out);
  });

  it('has exactly the allowlist of the article format', () => {
    expect([...ALLOWED_TAGS].sort()).toEqual(
      'p h2 h3 h4 blockquote ul ol li a strong em b i figure img figcaption br'.split(' ').sort(),
    );
  });

  it('survives 10,000-deep nesting', () => {
    const deep = `${'<div><b>'.repeat(10_000)}deep text${'</b></div>'.repeat(10_000)}`;
    const out = sanitizeHtml(deep, { baseUrl: BASE });
    expect(out).toContain('deep text');
    expect(out).not.toContain('<div');
  });

  it('is idempotent on hostile markup', () => {
    const hostile = [
      '<p><a href="https://e.com/a b?x=<y>">odd</a> <img src=x onerror=alert(1)></p>',
      '<<p>>nested<</p>> <p><b><i>unclosed',
      '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>',
      '<a href="https://e.com"><a href="https://f.com">inner</a></a>',
      '<p>x</p><!-- comment --><![CDATA[ cdata ]]><p>y</p>',
      '<table><tr><td>cell</td></tr></table><select><option>o</option></select>',
    ];
    for (const html of hostile) {
      const once = sanitizeHtml(html, { baseUrl: BASE });
      expect(sanitizeHtml(once, { baseUrl: BASE })).toBe(once);
      expect(once).not.toMatch(/<script|onerror|javascript:|<!--/i);
    }
  });
});

describe('renderBlocksHtml', () => {
  const cases: Array<{ name: string; blocks: Block[]; expected: string }> = [
    {
      name: 'paragraphs and headings',
      blocks: [
        { tag: 'h2', text: 'Heading', html: 'Heading' },
        { tag: 'p', text: 'One two', html: 'One <a href="/t">two</a>' },
      ],
      expected: '<h2>Heading</h2>\n<p>One <a href="https://news.example.com/t">two</a></p>',
    },
    {
      name: 'a list holding its items',
      blocks: [{ tag: 'ul', text: 'a\nb', html: '<li>a</li><li>b</li>' }],
      expected: '<ul><li>a</li><li>b</li></ul>',
    },
    {
      name: 'a list with only text',
      blocks: [{ tag: 'ol', text: 'first\nsecond & third', html: '' }],
      expected: '<ol><li>first</li><li>second &amp; third</li></ol>',
    },
    {
      name: 'a blockquote',
      blocks: [{ tag: 'blockquote', text: 'Quoted', html: 'Quoted <em>words</em>' }],
      expected: '<blockquote>Quoted <em>words</em></blockquote>',
    },
    {
      name: 'a figure with caption, its credit left out',
      blocks: [{ tag: 'figure', text: '', html: '', image: { url: '/img/a.jpg', caption: 'Leaders meet "today"', credit: 'AFP-Yonhap' }, caption: true }],
      expected: '<figure><img src="https://news.example.com/img/a.jpg" alt="Leaders meet &quot;today&quot;" /><figcaption>Leaders meet "today"</figcaption></figure>',
    },
    {
      name: 'a figure without an image URL keeps its caption',
      blocks: [{ tag: 'figure', text: '', html: '', image: { url: null, caption: 'Only words', credit: null } }],
      expected: '<figure><figcaption>Only words</figcaption></figure>',
    },
    {
      name: 'a caption paragraph becomes a figure caption',
      blocks: [{ tag: 'p', text: 'A caption <here>', html: 'A caption &lt;here&gt;', caption: true }],
      expected: '<figure><figcaption>A caption &lt;here&gt;</figcaption></figure>',
    },
    {
      name: 'unsafe markup inside a block is sanitized',
      blocks: [{ tag: 'p', text: 'x', html: 'x<script>alert(1)</script><span onclick="y">z</span>' }],
      expected: '<p>xz</p>',
    },
    { name: 'an empty figure renders nothing', blocks: [{ tag: 'figure', text: '', html: '' }], expected: '' },
  ];
  it.each(cases)('$name', ({ blocks, expected }) => {
    const out = renderBlocksHtml(blocks, { baseUrl: BASE });
    expect(out).toBe(expected);
    expect(sanitizeHtml(out, { baseUrl: BASE })).toBe(out);
  });

  // Speed is measured in bench/; this only guards against a hang on a long body.
  it('sanitizes 200 blocks', { timeout: 5_000 }, () => {
    const blocks: Block[] = Array.from({ length: 200 }, (_, i) => ({
      tag: 'p',
      text: `Paragraph ${i}`,
      html: `Paragraph <a href="/p/${i}">${i}</a> with <strong>some</strong> words and more words to read.`,
    }));
    const out = renderBlocksHtml(blocks, { baseUrl: BASE });
    expect(out.split('\n')).toHaveLength(200);
  });
});
