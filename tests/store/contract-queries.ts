/**
 * The part of the Store contract about reading: listing with filters, full-text search and keyset
 * pagination over ~50 articles, export iteration, attempts, validators, ping and close. Expected
 * results are computed from the generated data, never written out by hand.
 */
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { Article } from '../../src/article.js';
import { StoreError, type ArticleQuery, type AttemptInput, type Store } from '../../src/store/index.js';
import { collect, makeArticle, randomSimhash, seededRandom, type StoreHarness } from './helpers.js';

const SITES = ['koreaherald.com', 'yna.co.kr', 'v.daum.net'];

/** 50 articles with repeated instants (to exercise the id tie-break), null publishedAt and offsets. */
function dataset(): Article[] {
  const random = seededRandom(42);
  return Array.from({ length: 50 }, (_, i) => {
    const hour = (i * 7) % 23;
    const publishedAt = i % 5 === 0 ? null
      : i % 11 === 0 ? `2026-10-02T${String(hour).padStart(2, '0')}:00:00+09:00`
      : `2026-10-01T${String(hour).padStart(2, '0')}:00:00.000Z`;
    const words = [`Paragraph about item ${i}.`];
    if (i % 7 === 0) words.push('An earthquake shook the coast.');
    if (i % 14 === 0) words.push('A tsunami warning followed.');
    if (i % 6 === 0) words.push('The central bank raised interest rates again.');
    if (i % 6 === 3) words.push('Rates rose; interest in bonds fell.');
    if (i % 10 === 1) words.push('The election campaign began.');
    if (i % 8 === 0) words.push('태풍 북상 중');
    return makeArticle({
      id: `a${String(i).padStart(2, '0')}`,
      site: SITES[i % 3] ?? null,
      language: i % 4 === 0 ? 'ko' : 'en',
      title: i % 9 === 2 ? `Budget talks, day ${i}` : `Story ${i}`,
      text: words.join('\n\n'),
      publishedAt,
      extractedAt: `2026-10-01T${String(i % 24).padStart(2, '0')}:30:00.000Z`,
      simhash: randomSimhash(random),
      contentHash: `c${i}`,
    });
  });
}

const instant = (a: Article): number => Date.parse(a.publishedAt ?? a.extractedAt);
const newestFirst = (a: Article, b: Article): number => instant(b) - instant(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

async function pageThrough(store: Store, query: Omit<ArticleQuery, 'cursor'>): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.listArticles({ ...query, ...(cursor === undefined ? {} : { cursor }) });
    expect(page.items.length).toBeLessThanOrEqual(query.limit);
    ids.push(...page.items.map((a) => a.id));
    cursor = page.nextCursor ?? undefined;
    pages += 1;
  } while (cursor !== undefined && pages < 100);
  return { ids, pages };
}

export function queryContract(createHarness: () => Promise<StoreHarness>): void {
  describe('listing, search and pagination', () => {
    let harness: StoreHarness;
    let store: Store;
    const articles = dataset();
    const expectIds = (keep: (a: Article) => boolean): string[] => articles.filter(keep).sort(newestFirst).map((a) => a.id);

    beforeAll(async () => {
      harness = await createHarness();
      store = await harness.open();
      for (const article of articles) await store.saveArticle(article);
    });
    afterAll(async () => {
      await harness.cleanup();
    });

    const has = (word: string) => (a: Article): boolean => `${a.title} ${a.text}`.toLowerCase().includes(word);
    const since = '2026-10-01T08:00:00Z';
    const until = '2026-10-01T16:00:00Z';
    const inRange = (a: Article): boolean => instant(a) >= Date.parse(since) && instant(a) < Date.parse(until);
    const cases: Array<[string, Omit<ArticleQuery, 'limit' | 'cursor'>, (a: Article) => boolean]> = [
      ['everything', {}, () => true],
      ['one site', { site: 'yna.co.kr' }, (a) => a.site === 'yna.co.kr'],
      ['one language', { language: 'ko' }, (a) => a.language === 'ko'],
      ['since and until', { since, until }, inRange],
      ['site, language and range', { site: 'koreaherald.com', language: 'en', since }, (a) => a.site === 'koreaherald.com' && a.language === 'en' && instant(a) >= Date.parse(since)],
      ['a word', { q: 'earthquake' }, has('earthquake')],
      ['a word in the title, any case', { q: 'BUDGET' }, has('budget')],
      ['two words, any order', { q: 'interest rates' }, (a) => has('interest')(a) && has('rates')(a)],
      ['a quoted phrase', { q: '"interest rates"' }, has('interest rates')],
      ['an excluded word', { q: 'earthquake -tsunami' }, (a) => has('earthquake')(a) && !has('tsunami')(a)],
      ['or', { q: 'tsunami or election' }, (a) => has('tsunami')(a) || has('election')(a)],
      ['Korean', { q: '태풍' }, has('태풍')],
      ['search within a site', { q: 'earthquake', site: 'koreaherald.com' }, (a) => has('earthquake')(a) && a.site === 'koreaherald.com'],
      ['only an exclusion', { q: '-earthquake' }, (a) => !has('earthquake')(a)],
      ['nothing searchable filters nothing', { q: '*** -- ""' }, () => true],
      ['FTS operators typed by a user are words', { q: 'earthquake AND NEAR(' }, (a) => has('earthquake')(a) && has('and')(a) && has('near')(a)],
    ];

    it.each(cases)('%s: pages of 7 give the expected articles, newest first', async (_name, filter, keep) => {
      const expected = expectIds(keep);
      const { ids, pages } = await pageThrough(store, { ...filter, limit: 7 });
      expect(ids).toEqual(expected);
      expect(pages).toBe(Math.max(1, Math.ceil(expected.length / 7)));
    });

    it('the dataset exercises what it should', () => {
      const keys = articles.map((a) => new Date(instant(a)).toISOString());
      expect(new Set(keys).size).toBeLessThan(keys.length);
      expect(expectIds(has('earthquake')).length).toBeGreaterThan(3);
      expect(expectIds(has('interest rates')).length).toBeLessThan(expectIds((a) => has('interest')(a) && has('rates')(a)).length);
    });

    it('one page as large as the result has no next cursor; items are whole articles', async () => {
      const page = await store.listArticles({ site: 'v.daum.net', limit: 1000 });
      const expected = articles.filter((a) => a.site === 'v.daum.net').sort(newestFirst);
      expect(page.nextCursor).toBeNull();
      expect(page.items).toStrictEqual(expected);
    });

    it('iterates every article for export, in id order', async () => {
      const exported = await collect(store.iterateArticles());
      expect(exported).toStrictEqual([...articles].sort((a, b) => (a.id < b.id ? -1 : 1)));
      expect(await store.countArticles()).toBe(articles.length);
    });

    const invalid: Array<[string, ArticleQuery, string]> = [
      ['limit 0', { limit: 0 }, 'invalid_query'],
      ['limit 1.5', { limit: 1.5 }, 'invalid_query'],
      ['since not a date', { limit: 5, since: 'yesterday' }, 'invalid_query'],
      ['a cursor that was never issued', { limit: 5, cursor: 'not-a-cursor' }, 'invalid_cursor'],
    ];
    it.each(invalid)('%s is a typed error', async (_name, query, reason) => {
      const error = await store.listArticles(query).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ reason, retryable: false });
    });
  });

  describe('attempts, validators, lifecycle', () => {
    let harness: StoreHarness;
    let store: Store;
    afterEach(async () => {
      await harness.cleanup();
    });

    it('records attempts and tells why a URL has no article', async () => {
      harness = await createHarness();
      store = await harness.open();
      const url = 'https://koreaherald.com/view.php?ud=1';
      const attempts: AttemptInput[] = [
        { url, jobId: 'j1', status: 'retrying', reason: 'http_503', httpStatus: 503, attempt: 1, timings: { fetchMs: 120.5, totalMs: 121 }, at: '2026-11-01T00:00:00.000Z' },
        { url, jobId: 'j1', status: 'delayed', reason: 'host_rate_limit', attempt: 2, timings: {}, at: '2026-11-01T00:01:00.000Z' },
        { url, jobId: 'j1', status: 'failed', reason: 'no_article_found', httpStatus: 200, articleId: null, attempt: 3, timings: { fetchMs: 80, extractMs: 12.25, totalMs: 95 }, at: '2026-11-01T00:02:00.000Z' },
        { url: 'https://other.example/1', status: 'ok', articleId: 'x', attempt: 1, timings: { totalMs: 5 }, at: '2026-11-01T00:03:00.000Z' },
      ];
      for (const attempt of attempts) await store.recordAttempt(attempt);
      const normalized = attempts.filter((a) => a.url === url).map((a) => ({
        url: a.url, jobId: a.jobId ?? null, status: a.status, reason: a.reason ?? null, httpStatus: a.httpStatus ?? null,
        articleId: a.articleId ?? null, attempt: a.attempt, at: a.at,
        timings: { fetchMs: a.timings.fetchMs ?? null, extractMs: a.timings.extractMs ?? null, totalMs: a.timings.totalMs ?? null },
      }));
      expect(await store.listAttempts(url)).toEqual(normalized);
      expect(await store.lastOutcome(url)).toEqual(normalized[normalized.length - 1]);
      expect((await store.lastOutcome('https://other.example/1'))?.status).toBe('ok');
      expect(await store.lastOutcome('https://never.example/')).toBeNull();
      expect(await store.listAttempts('https://never.example/')).toEqual([]);
    });

    it('remembers conditional GET validators per URL', async () => {
      harness = await createHarness();
      store = await harness.open();
      const steps: Array<[string, { etag: string | null; lastModified: string | null }]> = [
        ['https://a.example/1', { etag: '"v1"', lastModified: 'Sun, 01 Nov 2026 00:00:00 GMT' }],
        ['https://a.example/2', { etag: null, lastModified: 'Mon, 02 Nov 2026 00:00:00 GMT' }],
        ['https://a.example/1', { etag: 'W/"v2"', lastModified: null }],
      ];
      expect(await store.getValidators('https://a.example/1')).toBeNull();
      for (const [url, validators] of steps) {
        await store.setValidators(url, validators);
        expect(await store.getValidators(url)).toEqual(validators);
      }
      expect(await store.getValidators('https://a.example/2')).toEqual(steps[1]?.[1]);
    });

    it('answers ping while open and fails with a StoreError once closed', async () => {
      harness = await createHarness();
      store = await harness.open();
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await store.close();
      const error = await store.ping().catch((err: unknown) => err);
      expect(error).toBeInstanceOf(StoreError);
    });

    it('opening twice on one database applies the migrations once', async () => {
      harness = await createHarness();
      const [a, b] = await Promise.all([harness.open(), harness.open()]);
      await a!.saveArticle(makeArticle({ id: 'm' }));
      expect((await b!.getArticle('m'))?.id).toBe('m');
    });
  });
}
