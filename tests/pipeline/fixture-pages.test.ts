/**
 * One folder per page under tests/fixtures/pages: `source.html` or `source.txt`, `input.json`
 * (the URL and content type it was served with) and `expected.json` (the fields the article must
 * have, and `mustNotContain`: strings that must appear nowhere in `text` or `html`).
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractArticle } from '../../src/index.js';

const ROOT = join(import.meta.dirname, '../fixtures/pages');

interface Expected {
  mustNotContain?: string[];
  [field: string]: unknown;
}

const pages = readdirSync(ROOT).sort();

describe.each(pages)('fixture page %s', (slug) => {
  const dir = join(ROOT, slug);
  const sourceFile = ['source.html', 'source.txt'].map((f) => join(dir, f)).find((f) => existsSync(f))!;
  const input = JSON.parse(readFileSync(join(dir, 'input.json'), 'utf8')) as { url?: string; contentType?: string };
  const { mustNotContain = [], ...fields } = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
  const article = extractArticle(readFileSync(sourceFile), { ...input, explain: true });

  it('finds an article', () => {
    expect(article).not.toBeNull();
  });

  it.each(Object.keys(fields))('has the expected %s', (field) => {
    expect(article?.[field as keyof typeof article]).toEqual(fields[field]);
  });

  it.each(mustNotContain)('leaves no %j in text or html', (junk) => {
    expect(article?.text).not.toContain(junk);
    expect(article?.html).not.toContain(junk);
  });

  it('explains what it removed', () => {
    expect(article?.removed?.length).toBeGreaterThan(0);
    for (const r of article?.removed ?? []) expect(r.rule).toMatch(/^[a-z-]+$/);
  });
});

describe('the same story, three ways', () => {
  it('gives the same text from the Korea Herald page, its Daum copy and the text scrape', () => {
    const texts = pages
      .filter((p) => p.includes('tillerson'))
      .map((slug) => {
        const dir = join(ROOT, slug);
        const file = ['source.html', 'source.txt'].map((f) => join(dir, f)).find((f) => existsSync(f))!;
        const input = JSON.parse(readFileSync(join(dir, 'input.json'), 'utf8'));
        return extractArticle(readFileSync(file), input)?.text;
      });
    expect(texts).toHaveLength(3);
    expect(new Set(texts).size).toBe(1);
  });
});
