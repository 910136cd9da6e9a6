import { describe, expect, it } from 'vitest';
import { dateline } from '../../src/pipeline/clean/rules/dateline.js';
import { agency } from '../../src/pipeline/clean/rules/agency.js';
import { captions } from '../../src/pipeline/clean/rules/captions.js';
import { splitCredit } from '../../src/pipeline/clean/rules/credit.js';
import { sliceHtmlText } from '../../src/pipeline/clean/block-text.js';
import { ctxWith, p, texts } from './helpers.js';

const REST = 'US Secretary of State Rex Tillerson said Tuesday he is pleased.';

describe('dateline', () => {
  it.each([
    [`WASHINGTON -- ${REST}`, 'WASHINGTON', null],
    [`SEOUL, Jan. 3 (Yonhap) -- ${REST}`, 'SEOUL', 'Yonhap'],
    [`LONDON (Reuters) - ${REST}`, 'LONDON', 'Reuters'],
    [`NEW YORK — ${REST}`, 'NEW YORK', null],
    [`Hong Kong (CNN Business) — ${REST}`, 'Hong Kong', 'CNN Business'],
    [`SAN JUAN, Puerto Rico (AP) — ${REST}`, 'SAN JUAN, Puerto Rico', 'AP'],
  ])('%s', (input, place, credited) => {
    const ctx = ctxWith();
    const out = dateline.apply([p(input)], ctx);
    expect(ctx.dateline).toBe(place);
    expect(ctx.agency).toBe(credited);
    expect(out[0]!.text).toBe(REST);
    expect(ctx.removed[0]!.rule).toBe('dateline');
  });

  it.each([
    [`US Secretary of State Rex Tillerson -- said Tuesday he is pleased with the outcome.`],
    [`Officials in Seoul -- and in Washington -- said the talks would continue.`],
    [REST],
  ])('leaves %s', (input) => {
    const ctx = ctxWith();
    expect(texts(dateline.apply([p(input)], ctx))).toEqual([input]);
    expect(ctx.dateline).toBeNull();
  });

  it('keeps the inline markup of the rest of the paragraph', () => {
    const ctx = ctxWith();
    const out = dateline.apply([p(`WASHINGTON -- ${REST}`, `<b>WASHINGTON</b> -- US Secretary of State <a href="https://x.test/t">Rex Tillerson</a> said Tuesday he is pleased.`)], ctx);
    expect(out[0]!.html).toBe('US Secretary of State <a href="https://x.test/t">Rex Tillerson</a> said Tuesday he is pleased.');
  });
});

describe('agency', () => {
  it.each([
    ['which kicked off Monday. (Yonhap)', 'which kicked off Monday.', 'Yonhap'],
    ['the ministry said. /Reuters', 'the ministry said.', 'Reuters'],
    ['the ministry said. — AP', 'the ministry said.', 'AP'],
    ['the ministry said. (AFP)', 'the ministry said.', 'AFP'],
  ])('%s', (input, rest, credited) => {
    const ctx = ctxWith();
    const out = agency.apply([p(REST), p(input)], ctx);
    expect(texts(out)).toEqual([REST, rest]);
    expect(ctx.agency).toBe(credited);
  });

  it('a last line that is only the credit goes', () => {
    const ctx = ctxWith();
    expect(texts(agency.apply([p(REST), p('(Yonhap)')], ctx))).toEqual([REST]);
    expect(ctx.agency).toBe('Yonhap');
  });

  it('an unknown parenthetical stays', () => {
    const ctx = ctxWith();
    const last = 'the plan was approved (by a wide margin)';
    expect(texts(agency.apply([p(REST), p(last)], ctx))).toEqual([REST, last]);
    expect(ctx.agency).toBeNull();
  });
});

describe('credit split', () => {
  it.each([
    ['US Secretary of State Rex Tillerson. (AFP-Yonhap)', 'US Secretary of State Rex Tillerson.', 'AFP-Yonhap'],
    ['Protesters in Seoul on Saturday. [Yonhap]', 'Protesters in Seoul on Saturday.', 'Yonhap'],
    ['A view of the port. (Photo: Kim Hyun-soo)', 'A view of the port.', 'Kim Hyun-soo'],
    ['A view of the port. Photo: Reuters', 'A view of the port.', 'Reuters'],
    ['President Moon (left) meets the press', 'President Moon (left) meets the press', null],
    ['The Han river at dusk (EPA/Yonhap)', 'The Han river at dusk', 'EPA/Yonhap'],
  ])('%s', (input, caption, credit) => {
    expect(splitCredit(input)).toEqual({ caption, credit });
  });
});

describe('captions', () => {
  const CAP = 'US Secretary of State Rex Tillerson. (AFP-Yonhap)';

  it('a caption printed twice becomes one image and leaves the text', () => {
    const ctx = ctxWith();
    const out = captions.apply([p(REST), p(CAP), p(CAP), p(REST)], ctx);
    expect(texts(out)).toEqual([REST, REST]);
    expect(ctx.images).toEqual([{ url: null, caption: 'US Secretary of State Rex Tillerson.', credit: 'AFP-Yonhap' }]);
    expect(ctx.removed.map((r) => r.rule)).toEqual(['caption', 'caption-repeat']);
  });

  it('a figcaption repeated as a paragraph is one image', () => {
    const ctx = ctxWith();
    const figure = { tag: 'figure' as const, text: '', html: '', caption: true, image: { url: 'https://x.test/a.jpg', caption: CAP, credit: null } };
    const out = captions.apply([p(REST), figure, p(CAP), p(REST)], ctx);
    expect(out.map((b) => b.tag)).toEqual(['p', 'figure', 'p']);
    expect(ctx.images).toEqual([{ url: 'https://x.test/a.jpg', caption: 'US Secretary of State Rex Tillerson.', credit: 'AFP-Yonhap' }]);
  });

  it('a short line repeated three times is not a caption', () => {
    const ctx = ctxWith();
    expect(texts(captions.apply([p(REST), p(REST), p(REST)], ctx))).toEqual([REST, REST, REST]);
    expect(ctx.images).toEqual([]);
  });

  it('two identical long paragraphs are not captions', () => {
    const long = `${REST} `.repeat(10).trim();
    const ctx = ctxWith();
    expect(texts(captions.apply([p(long), p(long)], ctx))).toEqual([long, long]);
    expect(ctx.images).toEqual([]);
  });
});

describe('sliceHtmlText', () => {
  it.each([
    ['<b>AB</b> CD', 3, 99, 'CD'],
    ['AB <i>CD</i> EF', 0, 5, 'AB <i>CD</i>'],
    ['A&amp;B  C', 2, 99, 'B C'],
  ])('%s [%i,%i) → %s', (html, start, end, expected) => {
    expect(sliceHtmlText(html, start, end)).toBe(expected);
  });
});
