/**
 * The seed of the specification: the naive scrape in ../shared/fixtures/syndication must come out
 * exactly as its .expected.json says.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractArticle } from '../../src/index.js';

const DIR = join(import.meta.dirname, '../../../shared/fixtures/syndication');
const expected = JSON.parse(readFileSync(join(DIR, '000_0d277affc9d2ffab.expected.json'), 'utf8'));
const article = extractArticle(readFileSync(join(DIR, expected.input)), { contentType: 'text/plain', explain: true });

describe('the syndication seed', () => {
  it.each(['title', 'dateline', 'agency', 'publisher', 'text'])('%s is exactly as specified', (field) => {
    expect(article?.[field as 'title']).toBe(expected[field]);
  });

  it('has the specified number of paragraphs', () => {
    expect(article?.text.split('\n\n')).toHaveLength(expected.paragraphs);
  });

  it('has the one image caption, with its credit split off', () => {
    expect(article?.images.map(({ caption, credit }) => ({ caption, credit }))).toEqual(expected.images);
  });

  it.each(expected.mustNotContain as string[])('has no %j in text or html', (junk) => {
    expect(article?.text).not.toContain(junk);
    expect(article?.html).not.toContain(junk);
  });

  it('records each removal with its rule', () => {
    const rules = new Set(article?.removed?.map((r) => r.rule));
    for (const rule of ['nav-phrase', 'headline', 'caption', 'caption-repeat', 'dateline', 'agency', 'site-footer']) {
      expect(rules).toContain(rule);
    }
  });
});
