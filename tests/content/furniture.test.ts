import { describe, expect, it } from 'vitest';
import { isFurniture } from '../../src/pipeline/content/furniture.js';

describe('isFurniture', () => {
  const cases: [string, boolean][] = [
    ['By Jane Doe and John Roe', true],
    ['Published 3 hours ago', true],
    ['Updated: Nov. 28, 2026, 10:04 a.m.', true],
    ['Nov 28, 2026 10:04 AM ET', true],
    ['28 November 2026', true],
    ['segunda-feira, 22 de janeiro de 2018 às 0:13', true],
    ['2026-11-28 10:04', true],
    ['Share this article', true],
    ['Advertisement', true],
    ['Read more: Council approves transit plan', true],
    ['Sign up for our newsletter', true],
    ['Back to top', true],
    ['Email Jane Doe at jdoe@paper.example or follow her on Twitter.', true],
    ['Follow Jane Doe on Twitter @janedoe', true],
    ['Have a tip? Send it to tips@paper.example', true],
    ['© 2026 Paper Media. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.', true],
    // Prose, however it starts:
    ['By the time the council voted, most of the public had already left the chamber after four hours.', false],
    ['The race in 2018 started at 9:30 and ended just before noon.', false],
    ['Share prices rose 4% on Tuesday after the company said its profit had doubled in the third quarter of the year.', false],
    ['Published in 1851, the novel was a commercial failure at first, selling only a few thousand copies in the years that followed.', false],
    ['Copyright law was at the heart of the case, which the court will hear again next year, according to lawyers for both sides, who spoke on condition of anonymity because the hearing is closed to the press and the public, and who declined to comment further on it. '.repeat(2), false],
  ];

  it.each(cases)('%s -> %s', (text, expected) => {
    expect(isFurniture({ tag: 'p', text, html: text })).toBe(expected);
  });

  it('never drops headings, lists or captions', () => {
    expect(isFurniture({ tag: 'h2', text: 'Advertisement', html: 'Advertisement' })).toBe(false);
    expect(isFurniture({ tag: 'ul', text: 'Share', html: '<li>Share</li>' })).toBe(false);
  });
});
