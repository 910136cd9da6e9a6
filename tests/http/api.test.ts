/**
 * Every API route and every error code it can answer, through `app.inject` against a real Redis
 * and a real database (SQLite and PostgreSQL).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Article } from '../../src/article.js';
import { extractArticle } from '../../src/pipeline/index.js';
import { formatArticle } from '../../src/format/index.js';
import { openStore } from '../../src/store/index.js';
import { redisConnection } from '../../jobs/queues.js';
import { BACKENDS, fixtureSource } from '../helpers/worker-harness.js';
import { makeArticle } from '../store/helpers.js';
import { bearer, openTestApp, type TestApp } from './harness.js';

const PAGE_URL = 'http://127.0.0.2/view.php?ud=1';

function errorBody(body: string): { error: string; message: string } {
  const parsed = JSON.parse(body) as Record<string, unknown>;
  // The error shape exactly: a code and a message, never a stack.
  expect(Object.keys(parsed).sort()).toEqual(['error', 'message']);
  return parsed as { error: string; message: string };
}

const seeded: Article[] = [
  makeArticle({ id: 'a1', site: 'alpha.example', language: 'en', publishedAt: '2026-11-01T08:00:00.000Z', title: 'Harbour expansion approved', text: 'The harbour expansion was approved.\n\nWork begins soon.' }),
  makeArticle({ id: 'a2', site: 'alpha.example', language: 'ko', publishedAt: '2026-11-02T08:00:00.000Z', title: 'Railway strike ends', text: 'The railway strike ended on Monday.', simhash: 'f0f0f0f0f0f0f0f0' }),
  makeArticle({ id: 'b1', site: 'beta.example', language: 'en', publishedAt: '2026-11-03T08:00:00.000Z', title: 'Market prices rise', text: 'Market prices rose in the harbour district.', simhash: '00ff00ff00ff00ff' }),
  makeArticle({ id: 'b2', site: 'beta.example', language: 'en', publishedAt: '2026-11-04T08:00:00.000Z', title: 'Bridge reopens', text: 'The old bridge reopened after repairs.', simhash: 'ff00ff00ff00ff00' }),
];

describe.each(BACKENDS)('API routes on %s', (backend) => {
  let t: TestApp;
  let explained: Article;

  beforeAll(async () => {
    t = await openTestApp(backend);
    for (const a of seeded) await t.store.saveArticle(a);
    // A real page with its raw body kept, for explain.
    explained = extractArticle(fixtureSource('daum-koreaherald-tillerson'), { url: PAGE_URL, contentType: 'text/html; charset=utf-8' })!;
    await t.store.saveArticle(explained, {
      body: fixtureSource('daum-koreaherald-tillerson'),
      headers: { 'content-type': 'text/html; charset=utf-8' },
      url: PAGE_URL,
      fetchedAt: explained.fetchedAt,
    });
  });
  afterAll(async () => t.close());

  describe('POST /api/ingest', () => {
    it('queues each acceptable URL with its job id and names the reason for each refused one', async () => {
      const urls = ['http://127.0.0.2/news/1?utm_source=x', 'ftp://127.0.0.2/file', 'not a url', 'http://10.1.2.3/internal', 'https://127.0.0.2/news/2#top'];
      const res = await t.app.inject({ method: 'POST', url: '/api/ingest', headers: bearer(), payload: { urls } });
      expect(res.statusCode).toBe(202);
      const body = res.json() as { accepted: number; rejected: number; results: Array<Record<string, unknown>> };
      expect(body.results.map((r) => [r.url, r.accepted, r.reason ?? r.normalizedUrl])).toEqual([
        [urls[0], true, 'http://127.0.0.2/news/1'],
        [urls[1], false, 'bad_scheme'],
        [urls[2], false, 'bad_url'],
        [urls[3], false, 'blocked_address'],
        [urls[4], true, 'https://127.0.0.2/news/2'],
      ]);
      expect([body.accepted, body.rejected]).toEqual([2, 3]);
      for (const r of body.results.filter((x) => x.accepted)) {
        const job = await t.queue.queue.getJob(String(r.jobId));
        expect(job?.data.url).toBe(r.normalizedUrl);
        expect(job?.data.origin).toBe('api');
      }
    });

    it.each([
      ['no urls field', { links: ['http://127.0.0.2/a'] }],
      ['urls not an array', { urls: 'http://127.0.0.2/a' }],
      ['empty list', { urls: [] }],
      ['a number among the URLs', { urls: ['http://127.0.0.2/a', 7] }],
      ['an unknown property', { urls: ['http://127.0.0.2/a'], priority: 1 }],
      ['a JSON array', ['http://127.0.0.2/a']],
    ])('answers 400 for a malformed body: %s', async (_name, payload) => {
      const res = await t.app.inject({ method: 'POST', url: '/api/ingest', headers: bearer(), payload });
      expect(res.statusCode).toBe(400);
      expect(errorBody(res.body).error).toBe('bad_request');
    });

    it('answers 400 for a body that is not JSON', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/api/ingest', headers: { ...bearer(), 'content-type': 'application/json' }, payload: '{"urls": [' });
      expect(res.statusCode).toBe(400);
      expect(errorBody(res.body).error).toBe('bad_request');
    });

    it('answers 413 for more URLs than one request may carry, and for a body over the size limit', async () => {
      const many = Array.from({ length: 501 }, (_, i) => `http://127.0.0.2/n/${i}`);
      const res = await t.app.inject({ method: 'POST', url: '/api/ingest', headers: bearer(), payload: { urls: many } });
      expect(res.statusCode).toBe(413);
      expect(errorBody(res.body).error).toBe('too_many_urls');
      expect(await t.queue.queue.getJob('u-none')).toBeUndefined();

      const huge = { urls: [`http://127.0.0.2/${'x'.repeat(300 * 1024)}`] };
      const big = await t.app.inject({ method: 'POST', url: '/api/ingest', headers: bearer(), payload: huge });
      expect(big.statusCode).toBe(413);
      expect(errorBody(big.body).error).toBe('payload_too_large');
    });

    it('answers 415 for a body that is not JSON by its content type', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/api/ingest', headers: { ...bearer(), 'content-type': 'text/csv' }, payload: 'http://127.0.0.2/a' });
      expect(res.statusCode).toBe(415);
      expect(errorBody(res.body).error).toBe('unsupported_media_type');
    });
  });

  describe('GET /api/jobs/:id', () => {
    it('reports a queued job: state, URL, attempts', async () => {
      const posted = await t.app.inject({ method: 'POST', url: '/api/ingest', headers: bearer(), payload: { urls: ['http://127.0.0.2/jobs/1'] } });
      const jobId = (posted.json() as { results: Array<{ jobId: string }> }).results[0]!.jobId;
      const res = await t.app.inject({ method: 'GET', url: `/api/jobs/${jobId}` });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: jobId, state: 'waiting', url: 'http://127.0.0.2/jobs/1', attempts: 0, articleId: null, failureReason: null });
    });

    it.each([
      ['/api/jobs/u-0000000000000000000000000000dead', 404, 'not_found'],
      ['/api/jobs/has%20space', 400, 'bad_request'],
      [`/api/jobs/${'x'.repeat(200)}`, 414, 'uri_too_long'],
    ])('%s answers %i', async (url, status, code) => {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(status);
      expect(errorBody(res.body).error).toBe(code);
    });
  });

  describe('GET /api/articles', () => {
    const ids = (body: string) => (JSON.parse(body) as { items: Article[] }).items.map((a) => a.id).filter((id) => id !== explained.id);

    it.each([
      ['', ['b2', 'b1', 'a2', 'a1']],
      ['?site=alpha.example', ['a2', 'a1']],
      ['?language=ko', ['a2']],
      ['?since=2026-11-02T00:00:00Z', ['b2', 'b1', 'a2']],
      ['?until=2026-11-02T08:00:00Z', ['a1']],
      ['?since=2026-11-02&until=2026-11-04', ['b1', 'a2']],
      ['?q=harbour', ['b1', 'a1']],
      ['?q=harbour%20-market', ['a1']],
      ['?site=beta.example&q=bridge', ['b2']],
      ['?site=nowhere.example', []],
    ])('filters %s', async (query, expected) => {
      const res = await t.app.inject({ method: 'GET', url: `/api/articles${query}` });
      expect(res.statusCode).toBe(200);
      expect(ids(res.body)).toEqual(expected);
    });

    it('pages with the cursor until nextCursor is null, each article once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await t.app.inject({ method: 'GET', url: `/api/articles?site=alpha.example&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}` });
        expect(res.statusCode).toBe(200);
        const body = res.json() as { items: Article[]; nextCursor: string | null };
        seen.push(...body.items.map((a) => a.id));
        cursor = body.nextCursor;
        pages += 1;
      } while (cursor !== null && pages < 10);
      expect(seen).toEqual(['a2', 'a1']);
    });

    it('returns summaries (the spec article without text and html), or with view=full the articles as stored', async () => {
      const stored = (await t.store.getArticle('b2'))!;
      const summary = await t.app.inject({ method: 'GET', url: '/api/articles?site=beta.example&limit=1' });
      const { text: _text, html: _html, ...rest } = stored;
      expect((summary.json() as { items: unknown[] }).items[0]).toEqual(rest);
      const full = await t.app.inject({ method: 'GET', url: '/api/articles?site=beta.example&limit=1&view=full' });
      expect((full.json() as { items: Article[] }).items[0]).toEqual(stored);
    });

    it.each([
      ['?limit=0', 'bad_request'],
      ['?limit=101', 'bad_request'],
      ['?limit=ten', 'bad_request'],
      ['?sort=title', 'bad_request'],
      ['?view=compact', 'bad_request'],
      ['?since=yesterday', 'invalid_query'],
      ['?cursor=not-a-cursor', 'invalid_cursor'],
    ])('answers 400 for %s', async (query, code) => {
      const res = await t.app.inject({ method: 'GET', url: `/api/articles${query}` });
      expect(res.statusCode).toBe(400);
      expect(errorBody(res.body).error).toBe(code);
    });
  });

  describe('GET /api/articles/:id', () => {
    it('returns the stored article as JSON', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/articles/a1' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(await t.store.getArticle('a1'));
    });

    it.each([
      ['text', 'text/plain'],
      ['markdown', 'text/markdown'],
      ['html', 'text/html'],
    ] as const)('format=%s answers %s, as the CLI prints it', async (format, type) => {
      const res = await t.app.inject({ method: 'GET', url: `/api/articles/a1?format=${format}` });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain(type);
      expect(res.body).toBe(formatArticle((await t.store.getArticle('a1'))!, format));
    });

    it('explain=1 adds the blocks the rules removed, from the stored page', async () => {
      const res = await t.app.inject({ method: 'GET', url: `/api/articles/${explained.id}?explain=1` });
      expect(res.statusCode).toBe(200);
      const want = extractArticle(fixtureSource('daum-koreaherald-tillerson'), { url: PAGE_URL, contentType: 'text/html; charset=utf-8', explain: true })!;
      const body = res.json() as Article;
      expect(body.removed).toEqual(want.removed);
      expect(body.removed?.map((r) => r.rule)).toContain('site-footer');
      expect(body.text).toBe(explained.text);
    });

    it.each([
      ['/api/articles/missing-id', 404, 'not_found'],
      ['/api/articles/a1?explain=1', 404, 'raw_page_not_found'],
      ['/api/articles/a1?format=pdf', 400, 'bad_request'],
      ['/api/articles/a1?explain=maybe', 400, 'bad_request'],
      ['/api/articles/a1?fields=title', 400, 'bad_request'],
      ['/api/articles/bad%20id', 400, 'bad_request'],
    ])('%s answers %i %s', async (url, status, code) => {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(status);
      expect(errorBody(res.body).error).toBe(code);
    });
  });

  describe('GET /api/articles/:id/versions', () => {
    it('lists every version, oldest first', async () => {
      const v1 = makeArticle({ id: 'v1', site: 'gamma.example', text: 'First text of the story.', contentHash: 'h1', simhash: '1234123412341234' });
      await t.store.saveArticle(v1);
      await t.store.saveArticle({ ...v1, text: 'Second, corrected text of the story.', contentHash: 'h2' });
      const res = await t.app.inject({ method: 'GET', url: '/api/articles/v1/versions' });
      expect(res.statusCode).toBe(200);
      const body = res.json() as { id: string; versions: Array<{ version: number; contentHash: string; article: Article }> };
      expect(body.versions.map((v) => [v.version, v.contentHash, v.article.text])).toEqual([
        [1, 'h1', 'First text of the story.'],
        [2, 'h2', 'Second, corrected text of the story.'],
      ]);
    });

    it('answers 404 for an unknown article', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/articles/nothing/versions' });
      expect(res.statusCode).toBe(404);
      expect(errorBody(res.body).error).toBe('not_found');
    });
  });

  describe('sources, without the scheduled-ingestion service', () => {
    it.each([
      ['GET', '/api/sources'],
      ['POST', '/api/sources/daum/run'],
    ] as const)('%s %s answers 404', async (method, url) => {
      const res = await t.app.inject({ method, url, headers: bearer() });
      expect(res.statusCode).toBe(404);
      expect(errorBody(res.body).error).toBe('not_found');
    });
  });

  describe('health, readiness, metrics', () => {
    it('/healthz and /readyz answer 200 with both checks ok', async () => {
      expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
      const ready = await t.app.inject('/readyz');
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({ status: 'ok', checks: { redis: 'ok', database: 'ok' } });
    });

    it('/metrics reports queue depths and the stored article count, read at scrape time', async () => {
      const waiting = await t.queue.queue.getWaitingCount();
      const res = await t.app.inject('/metrics');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/plain');
      expect(res.body).toContain(`newsworker_queue_jobs{queue="ingest",state="waiting"} ${waiting}`);
      expect(res.body).toContain(`newsworker_articles_stored ${await t.store.countArticles()}`);
      expect(waiting).toBeGreaterThan(0);
    });

    it('an unknown path answers 404 in the error shape, with a request id', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/nothing-here', headers: { 'x-request-id': 'trace-42' } });
      expect(res.statusCode).toBe(404);
      expect(errorBody(res.body).error).toBe('not_found');
      expect(res.headers['x-request-id']).toBe('trace-42');
    });
  });

  it('an unexpected failure answers 500 without a stack, naming the request id', async () => {
    const broken = await openTestApp(backend);
    await broken.store.close(); // every store call now fails
    try {
      const res = await broken.app.inject({ method: 'GET', url: '/api/articles/a1' });
      expect([500, 503]).toContain(res.statusCode);
      const body = errorBody(res.body);
      expect(body.message).toContain(String(res.headers['x-request-id']));
      expect(res.body).not.toMatch(/at .*\.ts:\d+/);
    } finally {
      await broken.app.close();
      await broken.queue.cleanup();
    }
  });
});

describe('readiness when a dependency fails', () => {
  let hanging: Server;
  let hangingUrl: string;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    // Accepts connections and never answers: a Redis that hangs.
    hanging = createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const address = hanging.address();
    hangingUrl = `redis://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => hanging.close(() => resolve()));
  });

  it('answers 503 naming redis within 2 s when Redis hangs', async () => {
    const redis = redisConnection(hangingUrl, { enableReadyCheck: false });
    const t = await openTestApp('sqlite', { redis, limits: { readinessTimeoutMs: 1000 } });
    try {
      const started = Date.now();
      const res = await t.app.inject('/readyz');
      expect(Date.now() - started).toBeLessThan(2000);
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ error: 'not_ready', message: 'redis not answering', checks: { database: 'ok' } });
    } finally {
      redis.disconnect();
      await t.close();
    }
  });

  it('answers 503 naming the database when it fails', async () => {
    const t = await openTestApp('sqlite');
    const closed = await openStore(t.databaseUrl);
    await closed.close();
    const app = await (await import('../../src/http/app.js')).buildApp({
      logger: (await import('../helpers/worker-harness.js')).silentLogger,
      store: closed,
      ingestQueue: t.queue.queue,
      redis: t.queue.redis,
      metrics: t.metrics,
      credentials: {},
      allow: { cidrs: [] },
    });
    try {
      const res = await app.inject('/readyz');
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ error: 'not_ready', message: 'database not answering', checks: { redis: 'ok' } });
    } finally {
      await app.close();
      await t.close();
    }
  });
});

describe('rate limit on /api, keyed on the socket address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp('sqlite', { limits: { rateLimitPerMinute: 3 } });
  });
  afterAll(async () => t.close());

  it('answers 429 past the limit even when X-Forwarded-For changes; another address has its own budget', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const res = await t.app.inject({ method: 'GET', url: '/api/articles', headers: { 'x-forwarded-for': `203.0.113.${i}` }, remoteAddress: '127.0.0.9' });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) expect(errorBody(res.body).error).toBe('rate_limited');
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const other = await t.app.inject({ method: 'GET', url: '/api/articles', remoteAddress: '127.0.0.10' });
    expect(other.statusCode).toBe(200);
    // Probes are outside /api and never limited.
    const probes = await Promise.all(Array.from({ length: 5 }, () => t.app.inject({ url: '/healthz', remoteAddress: '127.0.0.9' })));
    expect(probes.map((p) => p.statusCode)).toEqual([200, 200, 200, 200, 200]);
  });
});
