import { describe, expect, it } from 'vitest';
import { elementToBlocks } from '../../src/pipeline/content/blocks.js';
import type { Block } from '../../src/pipeline/types.js';
import { elementOf } from './helpers.js';

const BASE = 'https://news.example/world/story.html';

function blocksOf(inner: string, baseUrl: string | null = BASE): Block[] {
  return elementToBlocks(elementOf(`<html><body><div id="root">${inner}</div></body></html>`, '#root'), { baseUrl });
}

const p = (text: string, html = text): Block => ({ tag: 'p', text, html });

describe('elementToBlocks', () => {
  const cases: { name: string; html: string; expected: Block[] }[] = [
    {
      name: 'paragraphs keep inline markup and absolute links, fold whitespace',
      html: '<p>Hello  <b>bold</b>\n <em>em</em> <a href="/x?a=1&amp;b=2">link</a></p><p>Second&nbsp;one</p>',
      expected: [
        p('Hello bold em link', 'Hello <b>bold</b> <em>em</em> <a href="https://news.example/x?a=1&amp;b=2">link</a>'),
        p('Second one'),
      ],
    },
    {
      name: 'unknown inline elements are unwrapped, javascript: links dropped',
      html: '<p><span class="x">a <font>b</font></span> <a href="javascript:void(0)">c</a></p>',
      expected: [p('a b c')],
    },
    {
      name: 'the h1 is dropped, h2..h6 map to h2/h3/h4',
      html: '<h1>Headline</h1><h2>Two</h2><h3>Three</h3><h5>Five</h5><p>Body</p>',
      expected: [
        { tag: 'h2', text: 'Two', html: 'Two' },
        { tag: 'h3', text: 'Three', html: 'Three' },
        { tag: 'h4', text: 'Five', html: 'Five' },
        p('Body'),
      ],
    },
    {
      name: 'text runs in a div separated by br become paragraphs; br inside p stays a line break',
      html: 'First run<br><br>Second run<p>line one<br>line two</p>',
      expected: [p('First run'), p('Second run'), p('line one line two', 'line one<br>line two')],
    },
    {
      name: 'lists: one item per line, li html; nested items join the outer list',
      html: '<ul><li>One</li><li><b>Two</b><ol><li>Inner</li></ol></li></ul><ol><li>A</li></ol>',
      expected: [
        { tag: 'ul', text: 'One\nTwo\nInner', html: '<li>One</li><li><b>Two</b></li><li>Inner</li>' },
        { tag: 'ol', text: 'A', html: '<li>A</li>' },
      ],
    },
    {
      name: 'a blockquote of several paragraphs is one block',
      html: '<blockquote><p>First said.</p><p>Then this.</p></blockquote>',
      expected: [{ tag: 'blockquote', text: 'First said.\nThen this.', html: '<p>First said.</p><p>Then this.</p>' }],
    },
    {
      name: 'figure with lazy image and figcaption',
      html: '<figure><img src="data:image/gif;base64,R0lGOD" data-src="/img/a.jpg"><figcaption>The <i>scene</i> (AFP)</figcaption></figure>',
      expected: [
        { tag: 'figure', text: '', html: '', image: { url: 'https://news.example/img/a.jpg', caption: 'The scene (AFP)', credit: null }, caption: true },
      ],
    },
    {
      name: 'srcset: the widest candidate when src is a placeholder',
      html: '<figure><img src="/blank.gif" srcset="/s.jpg 320w, /l.jpg 1024w, /m.jpg 640w"></figure>',
      expected: [{ tag: 'figure', text: '', html: '', image: { url: 'https://news.example/l.jpg', caption: null, credit: null }, caption: true }],
    },
    {
      name: 'the original-size address a CMS keeps beside a resized src wins',
      html: '<figure><img src="https://cdn.example/thumb/R658x0/?fname=https://cdn.example/a.jpg" data-org-src="https://cdn.example/a.jpg"></figure>',
      expected: [{ tag: 'figure', text: '', html: '', image: { url: 'https://cdn.example/a.jpg', caption: null, credit: null }, caption: true }],
    },
    {
      name: 'a paragraph repeating the caption under its photo is marked as a caption',
      html: '<figure><img src="/c.jpg"><figcaption>The mayor. (AP)</figcaption></figure><p>The mayor. (AP)</p><p>Body.</p>',
      expected: [
        { tag: 'figure', text: '', html: '', image: { url: 'https://news.example/c.jpg', caption: 'The mayor. (AP)', credit: null }, caption: true },
        { tag: 'p', text: 'The mayor. (AP)', html: 'The mayor. (AP)', caption: true },
        p('Body.'),
      ],
    },
    {
      name: 'a caption-classed element after an image becomes its caption',
      html: '<div class="wp-caption"><img src="/p.jpg"><p class="wp-caption-text">Caption here</p></div><p>Text</p>',
      expected: [
        { tag: 'figure', text: '', html: '', image: { url: 'https://news.example/p.jpg', caption: 'Caption here', credit: null }, caption: true },
        p('Text'),
      ],
    },
    {
      name: 'tracking pixels and icons are not figures',
      html: '<p>Text<img src="/px.gif" width="1" height="1"></p>',
      expected: [p('Text')],
    },
    {
      name: 'a photo inside a paragraph follows it instead of cutting it; emoji and icons are not photos',
      html: '<p>Before <img src="/in.jpg"> after <img class="wp-smiley emoji" src="/e.png"> end.</p>',
      expected: [
        p('Before after end.'),
        { tag: 'figure', text: '', html: '', image: { url: 'https://news.example/in.jpg', caption: null, credit: null }, caption: true },
      ],
    },
    {
      name: 'tables flatten to one paragraph per row',
      html: '<table><thead><tr><th>Ticker</th><th>Price</th></tr></thead><tbody><tr><td>ABC</td><td>12.5</td></tr><tr><td></td><td></td></tr></tbody></table>',
      expected: [p('Ticker Price'), p('ABC 12.5')],
    },
    {
      name: 'a layout table cell is walked as a region',
      html: '<table><tr><td><p>Para one.</p><p>Para two.</p></td></tr></table>',
      expected: [p('Para one.'), p('Para two.')],
    },
    {
      name: 'never-content elements are skipped with their text',
      html: '<p>Keep</p><script>var x = "<p>no</p>";</script><style>p{}</style><nav>Menu</nav><aside>Side</aside><footer>Foot</footer><form><input value="q"><button>Go</button></form><iframe src="/x"></iframe><noscript>Enable JS</noscript><svg><text>svg</text></svg>',
      expected: [p('Keep')],
    },
    {
      name: 'hidden elements are skipped',
      html: '<p>Shown</p><p style="display: none">Hidden</p><div hidden>Also hidden</div><p aria-hidden="true">Aria</p>',
      expected: [p('Shown')],
    },
    {
      name: 'without a base URL a relative link cannot be made absolute and is unwrapped',
      html: '<p><a href="/rel">x</a> <a href="https://abs.example/">y</a></p>',
      expected: [p('x y', 'x <a href="https://abs.example/">y</a>')],
    },
  ];

  it.each(cases)('$name', ({ name, html, expected }) => {
    const baseUrl = name.includes('without a base URL') ? null : BASE;
    expect(blocksOf(html, baseUrl)).toEqual(expected);
  });

  it('escapes text taken from entities back into html', () => {
    expect(blocksOf('<p>a &lt;b&gt; &amp; c</p>')).toEqual([p('a <b> & c', 'a &lt;b&gt; &amp; c')]);
  });

  it('walks a 10,000-deep DOM without overflowing the stack, quickly', () => {
    const depth = 10_000;
    const html = `${'<div>'.repeat(depth)}<p>Deep text</p>${'</div>'.repeat(depth)}`;
    const start = performance.now();
    const blocks = blocksOf(html);
    expect(performance.now() - start).toBeLessThan(2_000);
    expect(blocks).toEqual([p('Deep text')]);
  });
});
