/**
 * The part of the Store contract about saving articles: round trip, versions, concurrency,
 * near-duplicates and raw pages. Run against every backend with that backend's harness.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Article } from '../../src/article.js';
import { StoreError, type Store } from '../../src/store/index.js';
import { collect, flipBits, makeArticle, randomSimhash, seededRandom, type StoreHarness } from './helpers.js';

export function articleContract(createHarness: () => Promise<StoreHarness>): void {
  let harness: StoreHarness;
  let store: Store;

  beforeEach(async () => {
    harness = await createHarness();
    store = await harness.open();
  });
  afterEach(async () => {
    await harness.cleanup();
  });

  describe('round trip', () => {
    const cases: Array<[string, Article]> = [
      ['every field filled, removed blocks kept', makeArticle({
        id: 'full',
        agency: 'Yonhap',
        modifiedAt: '2026-11-01T11:00:00.000Z',
        section: 'Business',
        tags: ['economy', 'trade', '무역'],
        removed: [{ rule: 'related-links', text: 'Read more: …' }],
        images: [
          { url: 'https://example.com/a.jpg', caption: 'Minister speaks', credit: 'AFP-Yonhap' },
          { url: null, caption: null, credit: null },
        ],
      })],
      ['nulls and empty arrays, no removed key', makeArticle({
        id: 'sparse', url: null, canonicalUrl: null, site: null, publisher: null, dateline: null,
        publishedAt: null, language: null, authors: [], tags: [], images: [],
      })],
      ['Korean text with quotes and newlines', makeArticle({
        id: 'ko', language: 'ko', title: '한국은행 "기준금리 동결"', text: '첫 문단.\n\n둘째 문단 — "인용".',
      })],
      ['removed present but empty', makeArticle({ id: 'empty-removed', removed: [] })],
    ];

    it.each(cases)('%s: what comes out equals what went in', async (_name, article) => {
      const result = await store.saveArticle(article);
      expect(result).toEqual({ outcome: 'inserted', version: 1, duplicateOf: null });
      const stored = await store.getArticle(article.id);
      expect(stored).toStrictEqual(article);
      expect(JSON.stringify(stored)).toBe(JSON.stringify(article));
    });

    it('finds an article by fetched URL or canonical URL, and reports missing ones as null', async () => {
      const article = makeArticle({ id: 'byurl', url: 'https://m.example.com/1?ref=x', canonicalUrl: 'https://example.com/1' });
      await store.saveArticle(article);
      expect((await store.getArticleByUrl('https://m.example.com/1?ref=x'))?.id).toBe('byurl');
      expect((await store.getArticleByUrl('https://example.com/1'))?.id).toBe('byurl');
      expect(await store.getArticleByUrl('https://example.com/2')).toBeNull();
      expect(await store.getArticle('nope')).toBeNull();
    });

    it('rejects a malformed simhash with a typed error', async () => {
      const error = await store.saveArticle(makeArticle({ id: 'bad', simhash: 'xyz' })).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).reason).toBe('invalid_simhash');
      expect(await store.countArticles()).toBe(0);
    });
  });

  describe('versions', () => {
    it('keeps one version per distinct contentHash, in order', async () => {
      const v1 = makeArticle({ id: 'v', contentHash: 'h1', text: 'first text' });
      const v2 = { ...v1, contentHash: 'h2', text: 'second text', extractedAt: '2026-11-02T00:00:00.000Z' };
      const v3 = { ...v1, contentHash: 'h3', text: 'third text', title: 'Corrected title' };
      const steps: Array<[Article, string, number]> = [
        [v1, 'inserted', 1], [v1, 'unchanged', 1], [v2, 'updated', 2], [v2, 'unchanged', 2], [v3, 'updated', 3],
      ];
      for (const [article, outcome, version] of steps) {
        expect(await store.saveArticle(article)).toEqual({ outcome, version, duplicateOf: null });
      }
      const versions = await store.listVersions('v');
      expect(versions.map((v) => [v.version, v.contentHash])).toEqual([[1, 'h1'], [2, 'h2'], [3, 'h3']]);
      expect(versions.map((v) => v.article)).toStrictEqual([v1, v2, v3]);
      expect(await store.getArticle('v')).toStrictEqual(v3);
      expect(await store.countArticles()).toBe(1);
      expect(await store.listVersions('unknown')).toEqual([]);
    });

    it('20 concurrent saves of one id from several connections give one article and one version', async () => {
      const others = [store, await harness.open(), await harness.open(), await harness.open()];
      const article = makeArticle({ id: 'race' });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (others[i % others.length] as Store).saveArticle(article)),
      );
      expect(results.filter((r) => r.outcome === 'inserted')).toHaveLength(1);
      expect(results.filter((r) => r.outcome === 'unchanged')).toHaveLength(19);
      expect(await store.countArticles()).toBe(1);
      expect(await store.listVersions('race')).toHaveLength(1);
    });

    it('concurrent edits of one id leave a gap-free history ending in the stored article', async () => {
      const connections = [store, await harness.open(), await harness.open()];
      const edits = Array.from({ length: 12 }, (_, i) => makeArticle({ id: 'edits', contentHash: `h${i % 4}`, text: `text ${i % 4}` }));
      await Promise.all(edits.map((article, i) => (connections[i % connections.length] as Store).saveArticle(article)));
      const versions = await store.listVersions('edits');
      expect(versions.map((v) => v.version)).toEqual(versions.map((_, i) => i + 1));
      const current = await store.getArticle('edits');
      expect(versions[versions.length - 1]?.article).toStrictEqual(current);
      // Consecutive versions always differ in content.
      versions.slice(1).forEach((v, i) => expect(v.contentHash).not.toBe(versions[i]?.contentHash));
    });
  });

  describe('near-duplicates', () => {
    const base = '3c5a96f00ff1e2d7';
    const cases: Array<[string, string, string | null]> = [
      ['3 bits, one in each of three bands', flipBits(base, [1, 20, 40]), 'original'],
      ['3 bits in one band', flipBits(base, [48, 50, 63]), 'original'],
      ['identical simhash', base, 'original'],
      ['4 bits, one per band', flipBits(base, [0, 16, 32, 48]), null],
      ['unrelated', 'c3a5690ff00e1d28', null],
    ];

    it.each(cases)('%s', async (_name, simhash, expected) => {
      await store.saveArticle(makeArticle({ id: 'original', site: 'koreaherald.com', simhash: base }));
      const result = await store.saveArticle(makeArticle({ id: 'syndicated', site: 'v.daum.net', simhash }));
      expect(result).toEqual({ outcome: 'inserted', version: 1, duplicateOf: expected });
      expect((await store.getArticle('syndicated'))?.duplicateOf).toBe(expected);
      expect((await store.getArticle('original'))?.duplicateOf).toBeNull();
    });

    it('points to the earliest stored near-duplicate and keeps that on later saves', async () => {
      await store.saveArticle(makeArticle({ id: 'first', simhash: base }));
      await store.saveArticle(makeArticle({ id: 'second', simhash: flipBits(base, [5]) }));
      const third = makeArticle({ id: 'third', simhash: flipBits(base, [5, 6]) });
      expect((await store.saveArticle(third)).duplicateOf).toBe('first');
      expect(await store.saveArticle(third)).toEqual({ outcome: 'unchanged', version: 1, duplicateOf: 'first' });
      const edited = { ...third, contentHash: 'edited', simhash: 'ffffffffffffffff' };
      expect(await store.saveArticle(edited)).toEqual({ outcome: 'updated', version: 2, duplicateOf: 'first' });
    });

    it('near-duplicates saved at the same moment from several connections still find each other', async () => {
      const connections = [store, await harness.open(), await harness.open(), await harness.open()];
      const random = seededRandom(11);
      const pairs = Array.from({ length: 12 }, (_, k) => {
        const simhash = randomSimhash(random);
        return [
          makeArticle({ id: `pair${k}-a`, site: 'koreaherald.com', simhash }),
          makeArticle({ id: `pair${k}-b`, site: 'v.daum.net', simhash: flipBits(simhash, [k, 63 - k]) }),
        ] as const;
      });
      await Promise.all(pairs.flat().map((article, i) => (connections[i % connections.length] as Store).saveArticle(article)));
      for (const [a, b] of pairs) {
        const links = [(await store.getArticle(a.id))?.duplicateOf, (await store.getArticle(b.id))?.duplicateOf];
        // Exactly one of the two was stored first; the other points to it.
        expect(links.filter((link) => link !== null).sort()).toEqual([links[0] === null ? a.id : b.id]);
      }
    });

    it('honours a smaller configured distance', async () => {
      const strict = await harness.open({ nearDuplicateDistance: 1 });
      await strict.saveArticle(makeArticle({ id: 'a', simhash: base }));
      expect((await strict.saveArticle(makeArticle({ id: 'b', simhash: flipBits(base, [3, 30]) }))).duplicateOf).toBeNull();
      expect((await strict.saveArticle(makeArticle({ id: 'c', simhash: flipBits(base, [30]) }))).duplicateOf).toBe('a');
    });
  });

  describe('raw pages', () => {
    // EUC-KR bytes and a NUL: the body is kept as bytes, never as text.
    const body = Buffer.concat([Buffer.from('<html><body><p>'), Buffer.from([0xc7, 0xd1, 0xb1, 0xb9, 0x00]), Buffer.from('</p></body></html>'.repeat(200))]);
    const headers = { 'content-type': 'text/html; charset=euc-kr', etag: '"abc"' };

    it('round-trips body and headers, one row per article, filtered by site and fetch time', async () => {
      const pages = [
        ['k1', 'koreaherald.com', '2026-11-01T00:00:00Z'],
        ['k2', 'koreaherald.com', '2026-11-03T00:00:00Z'],
        ['y1', 'yna.co.kr', '2026-11-04T00:00:00+09:00'],
      ] as const;
      for (const [id, site, fetchedAt] of pages) {
        await store.saveArticle(makeArticle({ id, site }), { body, headers, url: `https://${site}/${id}`, fetchedAt });
      }
      const all = await collect(store.iterateRawPages());
      expect(all.map((p) => p.articleId)).toEqual(['k1', 'k2', 'y1']);
      expect(await store.getRawPage('y1')).toEqual(all[2]);
      expect(await store.getRawPage('no-such-article')).toBeNull();
      expect(all[2]).toEqual({ articleId: 'y1', url: 'https://yna.co.kr/y1', body, headers, fetchedAt: '2026-11-04T00:00:00+09:00' });
      const filters: Array<[object, string[]]> = [
        [{ site: 'koreaherald.com' }, ['k1', 'k2']],
        [{ since: '2026-11-02T00:00:00Z' }, ['k2', 'y1']],
        [{ since: '2026-11-03T15:00:00.001Z' }, []],
        [{ since: '2026-11-03T15:00:00Z' }, ['y1']],
        [{ site: 'koreaherald.com', since: '2026-11-02T00:00:00Z' }, ['k2']],
      ];
      for (const [filter, ids] of filters) {
        expect((await collect(store.iterateRawPages(filter))).map((p) => p.articleId)).toEqual(ids);
        expect(await store.countRawPages(filter)).toBe(ids.length);
      }
      const newer = Buffer.from('<html>edited</html>');
      await store.saveArticle(makeArticle({ id: 'k1', site: 'koreaherald.com' }), { body: newer, headers: {}, url: 'https://koreaherald.com/k1', fetchedAt: '2026-11-05T00:00:00Z' });
      expect(await store.countRawPages()).toBe(3);
      expect((await collect(store.iterateRawPages({ site: 'koreaherald.com' })))[0]?.body).toEqual(newer);
    });

    it('keeps the latest fetch of an article whether it is new, unchanged or edited', async () => {
      const v1 = makeArticle({ id: 'life', contentHash: 'h1', text: 'first text' });
      const v2 = { ...v1, contentHash: 'h2', text: 'second text' };
      // [article, body, fetched from, outcome, version]: bodies of equal length but other bytes, and
      // byte-identical bodies fetched from another URL, must both come out as last fetched.
      const steps: Array<[Article, string, string, string, number]> = [
        [v1, 'page one', 'https://example.com/life', 'inserted', 1],
        [v1, 'page two', 'https://example.com/life', 'unchanged', 1],
        [v1, 'page two', 'https://m.example.com/life', 'unchanged', 1],
        [v2, 'page 3', 'https://example.com/life', 'updated', 2],
        [v2, 'page 4', 'https://example.com/life?a', 'unchanged', 2],
        [v2, 'page 4', 'https://example.com/life?b', 'unchanged', 2],
      ];
      for (const [article, page, url, outcome, version] of steps) {
        const raw = { body: Buffer.from(page), headers: { from: url }, url, fetchedAt: '2026-11-01T00:00:00Z' };
        expect(await store.saveArticle(article, raw)).toEqual({ outcome, version, duplicateOf: null });
        const stored = await store.getRawPage('life');
        expect([stored?.body.toString(), stored?.url, stored?.headers]).toEqual([page, url, { from: url }]);
      }
      expect(await store.countRawPages()).toBe(1);
      expect((await store.listVersions('life')).map((v) => v.contentHash)).toEqual(['h1', 'h2']);
    });

    it('concurrent fetches of one article, some edited, store one article, a gap-free history and one of the pages', async () => {
      const connections = [store, await harness.open(), await harness.open(), await harness.open()];
      const saves = Array.from({ length: 16 }, (_, i) => ({
        article: makeArticle({ id: 'busy', contentHash: `h${i % 3}`, text: `text ${i % 3}` }),
        raw: { body: Buffer.from(`page ${i}`), headers: {}, url: 'https://example.com/busy', fetchedAt: '2026-11-01T00:00:00Z' },
      }));
      const results = await Promise.all(saves.map(({ article, raw }, i) => (connections[i % connections.length] as Store).saveArticle(article, raw)));
      expect(results.filter((r) => r.outcome === 'inserted')).toHaveLength(1);
      const versions = await store.listVersions('busy');
      expect(versions.map((v) => v.version)).toEqual(versions.map((_, i) => i + 1));
      expect(results.filter((r) => r.outcome === 'updated')).toHaveLength(versions.length - 1);
      expect(versions[versions.length - 1]?.article).toStrictEqual(await store.getArticle('busy'));
      expect(await store.countArticles()).toBe(1);
      expect(await store.countRawPages()).toBe(1);
      expect(saves.map((s) => s.raw.body.toString())).toContain((await store.getRawPage('busy'))?.body.toString());
    });

    it('records the attempt given with a save, its outcome as reason, with or without a raw page', async () => {
      const v1 = makeArticle({ id: 'att', contentHash: 'h1', text: 'first text' });
      const v2 = { ...v1, contentHash: 'h2', text: 'second text' };
      const url = 'https://example.com/att';
      const steps: Array<[Article, boolean, string]> = [
        [v1, true, 'inserted'], [v1, true, 'unchanged'], [v1, false, 'unchanged'], [v2, false, 'updated'], [v2, true, 'unchanged'],
        [{ ...v1, id: 'att-bare' }, false, 'inserted'],
      ];
      for (const [i, [article, withRaw, outcome]] of steps.entries()) {
        const raw = withRaw ? { body: Buffer.from(`page ${i}`), headers: {}, url, fetchedAt: '2026-11-01T00:00:00Z' } : undefined;
        const attempt = { url, jobId: `j${i}`, httpStatus: 200, attempt: i + 1, timings: { fetchMs: i, extractMs: 2.5, totalMs: 10 + i }, at: `2026-11-01T00:00:0${i}.000Z` };
        expect((await store.saveArticle(article, raw, attempt)).outcome).toBe(outcome);
        expect(await store.lastOutcome(url)).toEqual({ ...attempt, jobId: `j${i}`, status: 'ok', reason: outcome, articleId: article.id, timings: { fetchMs: i, extractMs: 2.5, totalMs: 10 + i } });
      }
      expect((await store.listAttempts(url)).map((a) => a.reason)).toEqual(steps.map(([, , outcome]) => outcome));
      // A save without an attempt records none.
      await store.saveArticle(v2);
      expect(await store.listAttempts(url)).toHaveLength(steps.length);
    });

    it('concurrent saves with attempts record one attempt per save, each with that save\'s outcome', async () => {
      const connections = [store, await harness.open(), await harness.open(), await harness.open()];
      const saves = Array.from({ length: 16 }, (_, i) => ({
        article: makeArticle({ id: 'crowd', contentHash: `h${i % 2}`, text: `text ${i % 2}` }),
        raw: { body: Buffer.from(`page ${i % 4}`), headers: {}, url: 'https://example.com/crowd', fetchedAt: '2026-11-01T00:00:00Z' },
        attempt: { url: 'https://example.com/crowd', jobId: `j${i}`, attempt: 1, timings: {}, at: `2026-11-01T00:00:${String(i).padStart(2, '0')}.000Z` },
      }));
      const results = await Promise.all(saves.map((s, i) => (connections[i % connections.length] as Store).saveArticle(s.article, s.raw, s.attempt)));
      const attempts = await store.listAttempts('https://example.com/crowd');
      expect(attempts.map((a) => [a.jobId, a.reason]).sort()).toEqual(results.map((r, i) => [`j${i}`, r.outcome]).sort());
      expect(attempts.every((a) => a.status === 'ok' && a.articleId === 'crowd')).toBe(true);
    });

    it('iterates more pages than one batch while the same store writes', async () => {
      const random = seededRandom(7);
      for (let i = 0; i < 230; i += 1) {
        const id = `p${String(i).padStart(3, '0')}`;
        await store.saveArticle(makeArticle({ id, simhash: randomSimhash(random) }), { body: Buffer.from(id), headers: {}, url: id, fetchedAt: '2026-11-01T00:00:00Z' });
      }
      const seen: string[] = [];
      for await (const page of store.iterateRawPages()) {
        seen.push(page.body.toString());
        // A reprocess run saves while it iterates.
        await store.saveArticle(makeArticle({ id: page.articleId, contentHash: 'reprocessed' }));
      }
      expect(seen).toHaveLength(230);
      expect(new Set(seen).size).toBe(230);
      expect((await collect(store.iterateArticles())).map((a) => a.contentHash)).toEqual(Array(230).fill('reprocessed'));
    });
  });
}
