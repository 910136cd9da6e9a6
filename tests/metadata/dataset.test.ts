/**
 * The 181 pages of the shared scrapinghub-aeb dataset: a regression floor for what the metadata
 * stage finds on real pages. The dataset holds no metadata ground truth, so these are coverage
 * counts checked against the values measured when the stage was written, plus invariants every
 * result must keep. The dataset is ../shared, beside the checkout.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseHtml } from '../../src/pipeline/parse.js';
import { extractMetadata } from '../../src/pipeline/metadata/index.js';
import type { PageMetadata } from '../../src/pipeline/types.js';

// ../shared sits beside the checkout, in CI as here.
const DATASET = join(import.meta.dirname, '../../../shared/datasets/scrapinghub-aeb');

interface LoadedPage {
  url: string;
  page: ReturnType<typeof parseHtml>;
}

function loadPages(): LoadedPage[] {
  const truth = JSON.parse(readFileSync(`${DATASET}/ground-truth.json`, 'utf8')) as Record<string, { url: string }>;
  return readdirSync(`${DATASET}/html`).map((file) => {
    const url = truth[file.replace('.html.gz', '')]!.url;
    const html = gunzipSync(readFileSync(`${DATASET}/html/${file}`)).toString('utf8');
    return { url, page: parseHtml(html) };
  });
}

describe('extractMetadata on scrapinghub-aeb', () => {
  const pages = loadPages();
  const results = pages.map(({ url, page }) => ({ url, meta: extractMetadata(page, { url }) }));
  const count = (has: (m: PageMetadata) => boolean): number => results.filter((r) => has(r.meta)).length;

  it('finds a title on every page and most dates, authors and canonical URLs', () => {
    expect(results).toHaveLength(181);
    expect(count((m) => m.title !== null && m.title.trim() !== '')).toBe(181);
    // Measured: 156 published dates, 153 author lists, 174 canonical URLs, 158 languages.
    expect(count((m) => m.publishedAt !== null)).toBeGreaterThanOrEqual(150);
    expect(count((m) => m.authors.length > 0)).toBeGreaterThanOrEqual(145);
    expect(count((m) => m.canonicalUrl !== null)).toBeGreaterThanOrEqual(170);
    expect(count((m) => m.language !== null)).toBeGreaterThanOrEqual(150);
  });

  it('keeps every value in its documented form', () => {
    for (const { url, meta } of results) {
      for (const date of [meta.publishedAt, meta.modifiedAt]) {
        if (date !== null) expect(date, url).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      }
      for (const link of [meta.canonicalUrl, meta.image]) {
        if (link !== null) expect(link, url).toMatch(/^https?:\/\/[^\s/]+/);
      }
      if (meta.language !== null) expect(meta.language, url).toMatch(/^[a-z]{2,3}$/);
      for (const author of meta.authors) expect(author, url).not.toMatch(/^by\s|https?:|@\w|\d/i);
      expect(new Set(meta.authors.map((a) => a.toLowerCase())).size, url).toBe(meta.authors.length);
    }
  });

});
