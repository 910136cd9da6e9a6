/**
 * storedUrls on both backends: the URLs it reports are exactly those getArticleByUrl finds, one by
 * one (fetched URL or canonical URL, compared as given), also across its chunk boundary.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { makeArticle, postgresHarness, sqliteHarness, type StoreHarness } from './helpers.js';

const base = 'https://news.example.com';

/** Asked about, in this order, with whether the store has it; what is stored is below. */
const table: Array<[url: string, stored: boolean]> = [
  [`${base}/fetched-only`, true],
  [`${base}/canonical-only`, true],
  [`https://m.example.com/amp/canonical-only`, true],
  [`${base}/same-both`, true],
  [`${base}/null-canonical`, true],
  [`${base}/other-canonical-of-null-url`, true],
  [`${base}/FETCHED-ONLY`, false],
  [`${base}/fetched-only/`, false],
  [`${base}/fetched-only?utm_source=x`, false],
  [`http://news.example.com/fetched-only`, false],
  [`${base}/never-stored`, false],
  ['', false],
];

async function fill(store: Store): Promise<void> {
  await store.saveArticle(makeArticle({ id: 'a', url: `${base}/fetched-only`, canonicalUrl: `${base}/elsewhere-a` }));
  await store.saveArticle(makeArticle({ id: 'b', url: 'https://m.example.com/amp/canonical-only', canonicalUrl: `${base}/canonical-only` }));
  await store.saveArticle(makeArticle({ id: 'c', url: `${base}/same-both`, canonicalUrl: `${base}/same-both` }));
  await store.saveArticle(makeArticle({ id: 'd', url: `${base}/null-canonical`, canonicalUrl: null }));
  await store.saveArticle(makeArticle({ id: 'e', url: null, canonicalUrl: `${base}/other-canonical-of-null-url` }));
}

function storedUrlsContract(name: string, open: () => Promise<StoreHarness>): void {
  describe(`${name}: storedUrls`, () => {
    let harness: StoreHarness;
    let store: Store;
    beforeEach(async () => {
      harness = await open();
      store = await harness.open();
      await fill(store);
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    it('reports exactly the URLs stored as a fetched or canonical URL, as getArticleByUrl decides', async () => {
      const urls = table.map(([url]) => url);
      const found = await store.storedUrls(urls);
      expect(urls.map((url) => found.has(url)), 'expected table').toEqual(table.map(([, stored]) => stored));
      const oneByOne = await Promise.all(urls.map(async (url) => (await store.getArticleByUrl(url)) !== null));
      expect(urls.map((url) => found.has(url)), 'getArticleByUrl').toEqual(oneByOne);
      expect([...found].every((url) => urls.includes(url))).toBe(true);
    });

    it('answers an empty list, repeats, and lists longer than one chunk', async () => {
      expect(await store.storedUrls([])).toEqual(new Set());
      // 2,500 unknown URLs around the stored ones, so the stored ones fall in different chunks.
      const filler = (from: number) => Array.from({ length: 1000 }, (_, i) => `${base}/unknown/${from + i}`);
      const urls = [...filler(0), `${base}/canonical-only`, ...filler(1000), `${base}/fetched-only`, `${base}/fetched-only`, ...filler(2000).slice(0, 500), `${base}/same-both`];
      expect(await store.storedUrls(urls)).toEqual(new Set([`${base}/canonical-only`, `${base}/fetched-only`, `${base}/same-both`]));
    });

    it('sees an article stored after an earlier answer', async () => {
      const url = `${base}/later`;
      expect((await store.storedUrls([url])).has(url)).toBe(false);
      await store.saveArticle(makeArticle({ id: 'later', url: 'https://m.example.com/later', canonicalUrl: url }));
      expect((await store.storedUrls([url])).has(url)).toBe(true);
    });
  });
}

storedUrlsContract('SQLite', sqliteHarness);
storedUrlsContract('PostgreSQL', postgresHarness);
