import { describe, expect, it } from 'vitest';
import { extractGenericContent } from '../../src/pipeline/content/generic.js';
import { parseHtml } from '../../src/pipeline/parse.js';
import type { Block } from '../../src/pipeline/types.js';

const BASE = 'https://paper.example/2026/11/28/story';

function extract(html: string): Block[] {
  return extractGenericContent(parseHtml(html).document, { baseUrl: BASE });
}

const P1 = 'The city council voted on Tuesday to approve the new transit plan, ending a debate that lasted more than two years.';
const P2 = 'Supporters said the plan would cut commute times, while opponents warned about its cost to taxpayers over the next decade.';
const P3 = 'The first new bus lines are expected to open next spring, according to officials who spoke after the vote on Tuesday evening.';
const P4 = 'Construction of the light rail segment will begin in 2028, pending a final review of the environmental impact report.';

/** A news page: the article among the usual boilerplate. */
function newsPage(articleInner: string, extra = ''): string {
  return `<!doctype html><html><head><title>Council approves plan | Paper</title></head><body>
<header class="site-header"><a href="/">Paper</a><nav><ul><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
<div class="page">
  <main>
    <article>
      <h1>Council approves transit plan</h1>
      <div class="byline">By Jane Doe</div>
      <time datetime="2026-11-28">Nov 28, 2026</time>
      <div class="share-bar"><a href="https://social.example/share">Share</a><a href="mailto:?x">Email</a></div>
      <div class="article-body">${articleInner}</div>
      <div class="newsletter-box"><p>Sign up for our daily newsletter to get the biggest stories of the day delivered to your inbox every morning.</p></div>
      <section class="related-stories"><h3>Related</h3><ul>
        <li><a href="/a">Mayor outlines budget priorities for next year in a speech to the council</a></li>
        <li><a href="/b">Bus drivers union reaches tentative agreement with the city after long talks</a></li>
      </ul></section>
    </article>
    <section id="comments"><h3>Comments</h3>
      <div class="comment"><p>This is a long reader comment that argues at length that the plan is a terrible waste of public money and time.</p></div>
      <div class="comment"><p>Another reader comment, also long enough to look like a paragraph of prose written by the newspaper itself.</p></div>
    </section>
  </main>
  <aside class="sidebar"><h3>Most read</h3><ol><li><a href="/1">Story one</a></li><li><a href="/2">Story two</a></li></ol></aside>
</div>
${extra}
<footer class="site-footer"><p>Copyright 2026 Paper Inc. All rights reserved. Terms of use, privacy policy and cookie settings.</p></footer>
</body></html>`;
}

const textOf = (blocks: Block[]): string[] =>
  blocks.map((b) => {
    if (b.tag === 'figure') return `[figure ${b.image?.url} | ${b.image?.caption}]`;
    return b.caption === true ? `caption: ${b.text}` : `${b.tag}: ${b.text}`;
  });

describe('extractGenericContent', () => {
  const cases: { name: string; html: string; expected: string[] }[] = [
    {
      name: 'keeps the body, drops headline, byline, date, share bar, newsletter, related, comments, sidebar, footer',
      html: newsPage(`<p>${P1}</p><p>${P2}</p><p>${P3}</p>`),
      expected: [`p: ${P1}`, `p: ${P2}`, `p: ${P3}`],
    },
    {
      name: 'keeps subheadings, lists, quotes and figures in order; the caption becomes the figure caption',
      html: newsPage(`<p>${P1}</p>
        <figure><img src="/photos/vote.jpg" alt=""><figcaption>Council members vote on Tuesday.</figcaption></figure>
        <p>${P2}</p><h2 class="section-title">What happens next</h2><p>${P3}</p>
        <ul><li>Bus lines in spring</li><li>Light rail in 2028</li></ul>
        <blockquote><p>"This is a historic day for the city," the mayor said.</p></blockquote><p>${P4}</p>`),
      expected: [
        `p: ${P1}`,
        '[figure https://paper.example/photos/vote.jpg | Council members vote on Tuesday.]',
        `p: ${P2}`,
        'h2: What happens next',
        `p: ${P3}`,
        'ul: Bus lines in spring\nLight rail in 2028',
        'blockquote: "This is a historic day for the city," the mayor said.',
        `p: ${P4}`,
      ],
    },
    {
      name: 'a story cut into chunks by an ad slot is gathered whole',
      html: newsPage(`<div class="chunk"><div class="inner"><p>${P1}</p><p>${P2}</p></div></div>
        <div class="ad-slot"><p>Advertisement</p></div>
        <div class="chunk"><div class="inner"><p>${P3}</p><p>${P4}</p></div></div>`),
      expected: [`p: ${P1}`, `p: ${P2}`, `p: ${P3}`, `p: ${P4}`],
    },
    {
      name: 'an inline share bar and a "Read more" teaser inside the body are dropped',
      html: newsPage(`<p>${P1}</p><div class="social-share"><a href="/s">Facebook</a> <a href="/t">Twitter</a></div>
        <p>${P2}</p><p><strong>Read more:</strong> <a href="/other">Another story about the council</a></p><p>${P3}</p>`),
      expected: [`p: ${P1}`, `p: ${P2}`, `p: ${P3}`],
    },
    {
      name: 'a page wrapped in one ASP.NET form still yields its article',
      html: `<html><body><form id="aspnetForm" action="/x"><div class="content"><h1>T</h1><p>${P1}</p><p>${P2}</p></div>
        <div class="footer-links"><a href="/a">About</a> <a href="/b">Contact</a></div></form></body></html>`,
      expected: [`p: ${P1}`, `p: ${P2}`],
    },
    {
      name: 'a page wrapper whose class has a layout word is not thrown away',
      html: `<html><body><div class="wrapper header-style-2"><h1>T</h1><div class="post"><p>${P1}</p><p>${P2}</p></div>
        <div class="widget"><a href="/x">Tag cloud</a></div></div></body></html>`,
      expected: [`p: ${P1}`, `p: ${P2}`],
    },
    {
      name: 'the next story of an endless scroll (another <article>) is left out',
      html: `<html><body><main><article><h1>T</h1><div class="body"><p>${P1}</p><p>${P2}</p><p>${P3}</p></div></article>
        <article><h2>Next story</h2><div class="body"><p>${P4}</p><p>${P4}</p></div></article></main></body></html>`,
      expected: [`p: ${P1}`, `p: ${P2}`, `p: ${P3}`],
    },
    {
      name: 'list items opening with a linked sentence stay; a list made of links goes',
      html: newsPage(`<p>${P1}</p><ol>
        <li><strong><a href="/x">The council approved the plan on Tuesday night</a>.</strong> It passed seven votes to two after more than four hours of public comment.</li>
        <li><strong><a href="/y">Opponents say they will take the fight to voters</a>.</strong> A petition to put the plan on next year's ballot is being drafted.</li>
        </ol><p>${P2}</p><div class="more"><a href="/m1">Council news one</a> <a href="/m2">Council news two</a> <a href="/m3">Council news three</a></div>`),
      expected: [
        `p: ${P1}`,
        "ol: The council approved the plan on Tuesday night. It passed seven votes to two after more than four hours of public comment.\nOpponents say they will take the fight to voters. A petition to put the plan on next year's ballot is being drafted.",
        `p: ${P2}`,
      ],
    },
    {
      name: 'captions and credits marked by class only (camelCase too) become caption blocks, not body text',
      html: newsPage(`<div class="InlineImage-wrapper"><div class="lazy-placeholder"></div><div class="InlineImage-imageEmbedCaption">Officials at the vote.</div>
        <div class="InlineImage-imageEmbedCredit">Jane Roe | Agency</div></div><p>${P1}</p><p>${P2}</p>`),
      expected: ['caption: Officials at the vote.', 'caption: Jane Roe | Agency', `p: ${P1}`, `p: ${P2}`],
    },
    {
      name: 'copyright small print at the end of the body is dropped',
      html: newsPage(`<p>${P1}</p><p>${P2}</p><p>© 2026 Paper Media. All rights reserved. The material on this site may not be reproduced, distributed, transmitted, cached or otherwise used.</p>`),
      expected: [`p: ${P1}`, `p: ${P2}`],
    },
    {
      name: 'a story body in a paywall-classed wrapper is kept; the short subscribe box beside it is not',
      html: newsPage(`<div class="subscriber-only"><p>${P1}</p><p>${P2}</p><p>${P3}</p></div>
        <div class="subscribe-box"><p>Subscribe for full access today.</p></div>`),
      expected: [`p: ${P1}`, `p: ${P2}`, `p: ${P3}`],
    },
    {
      name: 'the body ends at a "related stories" heading, even one inside a hinted box',
      html: newsPage(`<p>${P1}</p><p>${P2}</p><div class="post-extras"><h3 class="relatedposts-title">Você pode gostar...</h3>
        <div class="teaser"><p>${P3}</p></div><div class="teaser"><p>${P4}</p></div></div>`),
      expected: [`p: ${P1}`, `p: ${P2}`],
    },
    {
      name: 'a heading that only starts like an announcement ("Related post: <a>...</a>") is dropped as a link but does not end the body',
      html: newsPage(`<p>${P1}</p><p>${P2}</p><h3>Related post: <a href="/x">Pickled sprouts</a></h3><p>${P3}</p>`),
      expected: [`p: ${P1}`, `p: ${P2}`, `p: ${P3}`],
    },
    {
      name: 'taxonomy classes on the post container ("category-social-issues tag-comment") are not role hints',
      html: `<html><body><h1>T</h1><div class="post-481 post type-post category-social-issues tag-comment tag-share-market">
        <p>${P1}</p><p>${P2}</p></div><div id="comments"><p>${P3}</p><p>${P4}</p></div></body></html>`,
      expected: [`p: ${P1}`, `p: ${P2}`],
    },
    {
      name: 'no prose at all: no article',
      html: '<html><body><nav><a href="/">Home</a></nav><div><a href="/a">A</a> <a href="/b">B</a></div></body></html>',
      expected: [],
    },
  ];

  it.each(cases)('$name', ({ html, expected }) => {
    expect(textOf(extract(html))).toEqual(expected);
  });

  it('survives a 10,000-deep DOM, quickly', () => {
    const depth = 10_000;
    const html = `<html><body>${'<div>'.repeat(depth)}<p>${P1}</p><p>${P2}</p>${'</div>'.repeat(depth)}</body></html>`;
    const start = performance.now();
    const blocks = extract(html);
    expect(performance.now() - start).toBeLessThan(2_000);
    expect(textOf(blocks)).toEqual([`p: ${P1}`, `p: ${P2}`]);
  });
});
