import { describe, expect, it } from 'vitest';
import { navPhrases } from '../../src/pipeline/clean/rules/nav-phrases.js';
import { copyright, newsletter, social } from '../../src/pipeline/clean/rules/pattern-blocks.js';
import { related } from '../../src/pipeline/clean/rules/related.js';
import { siteFooter } from '../../src/pipeline/clean/rules/site-footer.js';
import { headline } from '../../src/pipeline/clean/rules/headline.js';
import { byline } from '../../src/pipeline/clean/rules/byline.js';
import { endCredits } from '../../src/pipeline/clean/rules/end-credits.js';
import type { Cleaner } from '../../src/pipeline/types.js';
import { ctxWith, p, texts } from './helpers.js';

const BODY = 'The council voted on Tuesday to extend the program for another two years, officials said.';

/** Each row: a cleaner, the block texts going in, the texts that must remain. */
const table: [string, Cleaner, string[], string[]][] = [
  ['nav: Back To Top goes', navPhrases, ['Back To Top', BODY], [BODY]],
  ['nav: a label row goes', navPhrases, ['Share | Tweet | Email', BODY], [BODY]],
  ['nav: bullets and punctuation around a label', navPhrases, ['▲ Top', 'Print:', BODY], [BODY]],
  ['nav: Korean share label', navPhrases, ['공유', BODY], [BODY]],
  ['nav: a sentence mentioning print stays', navPhrases, ['Print editions will resume on Monday.', BODY], ['Print editions will resume on Monday.', BODY]],
  ['copyright: © line goes', copyright, [BODY, '© 2017 Herald Corporation. All rights reserved.'], [BODY]],
  ['copyright: redistribution notice goes', copyright, [BODY, 'This material may not be published, broadcast, rewritten or redistributed.'], [BODY]],
  ['copyright: Korean notice goes', copyright, [BODY, '무단 전재 및 재배포 금지'], [BODY]],
  ['copyright: a long paragraph about copyright stays', copyright, [`Copyright law ${'was debated at length '.repeat(15)}`.trim()], [`Copyright law ${'was debated at length '.repeat(15)}`.trim()]],
  ['newsletter: sign-up box goes', newsletter, [BODY, 'Sign up for our morning newsletter'], [BODY]],
  ['newsletter: inbox promise goes', newsletter, ['Get the best stories delivered to your inbox', BODY], [BODY]],
  ['social: follow us goes', social, [BODY, 'Follow us on Twitter @koreaherald'], [BODY]],
  ['social: share-on goes', social, ['Share on Facebook', BODY], [BODY]],
  ['related: heading and its links go', related, [BODY, 'Related Articles', 'N. Korea slams drills', BODY], [BODY, 'N. Korea slams drills', BODY]],
  ['related: READ MORE teaser goes', related, [BODY, 'READ MORE: Seoul stocks rise', BODY], [BODY, BODY]],
  ['end credits: reporting line goes', endCredits, [BODY, '(Reporting by Hyonhee Shin; Editing by Michael Perry)'], [BODY]],
  ['end credits: only at the end', endCredits, ['Reporting by the council was late, the mayor said of the audit.', BODY, BODY, BODY], ['Reporting by the council was late, the mayor said of the audit.', BODY, BODY, BODY]],
];

describe('boilerplate cleaners', () => {
  it.each(table)('%s', (_name, cleaner, input, expected) => {
    const ctx = ctxWith();
    const out = cleaner.apply(input.map((t) => p(t)), ctx);
    expect(texts(out)).toEqual(expected);
    const removedCount = input.length - expected.length;
    expect(ctx.removed).toHaveLength(removedCount);
    for (const r of ctx.removed) expect(r.rule).toBe(cleaner.name === 'nav-phrase' ? 'nav-phrase' : r.rule);
  });

  it('related: a list after a related heading goes with it', () => {
    const ctx = ctxWith();
    const list = { tag: 'ul' as const, text: 'One\nTwo', html: '<li><a href="/1">One</a></li><li><a href="/2">Two</a></li>' };
    const out = related.apply([p(BODY), p('Most Read'), list, p(BODY)], ctx);
    expect(texts(out)).toEqual([BODY, BODY]);
    expect(ctx.removed.map((r) => r.rule)).toEqual(['related', 'related']);
  });
});

describe('site footer', () => {
  const rule = { name: 'Daum KH', signatures: ['Korea Herald daum'], footers: ['Korea Herald daum'], phrases: ['Most Popular'] };
  it.each([
    [['Korea Herald daum'], []],
    [['korea  herald DAUM'], []],
    [['Most Popular'], []],
    [['The Korea Herald daum page was redesigned in 2016 with a new viewer for readers.'], ['The Korea Herald daum page was redesigned in 2016 with a new viewer for readers.']],
  ])('%j → %j', (input, expected) => {
    const ctx = ctxWith({ rule });
    expect(texts(siteFooter.apply([p(BODY), ...input.map((t) => p(t))], ctx))).toEqual([BODY, ...expected]);
  });

  it('does nothing without a site rule', () => {
    expect(texts(siteFooter.apply([p(BODY), p('Korea Herald daum')], ctxWith()))).toEqual([BODY, 'Korea Herald daum']);
  });
});

describe('headline', () => {
  it('takes the first short line of a text scrape as the title', () => {
    const ctx = ctxWith();
    const out = headline.apply([p('Tillerson renews offer to talk with N. Korea'), p(BODY)], ctx);
    expect(ctx.title).toBe('Tillerson renews offer to talk with N. Korea');
    expect(texts(out)).toEqual([BODY]);
    expect(ctx.removed).toEqual([{ rule: 'headline', text: 'Tillerson renews offer to talk with N. Korea' }]);
  });

  it('leaves a first sentence alone', () => {
    const ctx = ctxWith();
    expect(texts(headline.apply([p(BODY), p(BODY)], ctx))).toEqual([BODY, BODY]);
    expect(ctx.title).toBeNull();
  });

  it('removes a repeat of the known title, case and spacing aside', () => {
    const ctx = ctxWith({ title: 'Seoul stocks  rise' });
    expect(texts(headline.apply([p('SEOUL STOCKS RISE'), p(BODY)], ctx))).toEqual([BODY]);
  });
});

describe('byline', () => {
  it.each([
    ['By Kim Arin', ['Kim Arin']],
    ['By Kim Arin and Lee Jung-joo', ['Kim Arin', 'Lee Jung-joo']],
    ['Written by Jane Doe, John Roe', ['Jane Doe', 'John Roe']],
  ])('%s', (line, authors) => {
    const ctx = ctxWith();
    const out = byline.apply([p(line), p(BODY)], ctx);
    expect(ctx.authors).toEqual(authors);
    expect(texts(out)).toEqual([BODY]);
  });

  it('leaves a sentence starting with "By" further down', () => {
    const ctx = ctxWith();
    const input = [p(BODY), p(BODY), p(BODY), p('By Tuesday the talks had stalled')];
    expect(texts(byline.apply(input, ctx))).toEqual(texts(input));
  });
});
