/**
 * The ingest worker end to end on each store: URLs go in through enqueueUrls, a real BullMQ worker
 * on real Redis fetches them from a local server on 127.0.0.2, and articles come out in SQLite and
 * PostgreSQL with the fields the spec asks for.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startIngestWorker, type RunningWorker } from '../../jobs/worker.js';
import type { EnqueueOutcome } from '../../jobs/enqueue.js';
import { startLocalServer, type LocalServer } from '../helpers/local-server.js';
import {
  articleHtml, BACKENDS, createTestDatabase, fixtureExpected, fixtureSource, openTestQueue, paragraphsAbout,
  PUBLIC_STAND_IN, silentLogger, testSettings, type TestDatabase, type TestQueue,
} from '../helpers/worker-harness.js';

function jobIdOf(outcome: EnqueueOutcome | undefined): string {
  if (!outcome?.accepted) throw new Error(`not accepted: ${JSON.stringify(outcome)}`);
  return outcome.jobId;
}

/** The fields a page served from 127.0.0.2 must keep from its fixture (site and url are the server's). */
const STABLE_FIELDS = ['title', 'dateline', 'agency', 'publisher', 'text', 'authors', 'publishedAt', 'language', 'canonicalUrl'];

describe.each(BACKENDS)('ingest worker into %s', (backend) => {
  let db: TestDatabase;
  let q: TestQueue;
  let server: LocalServer;
  let running: RunningWorker;

  beforeEach(async () => {
    db = await createTestDatabase(backend);
    const settings = testSettings({ databaseUrl: db.url });
    q = await openTestQueue(settings);
    server = await startLocalServer({ host: PUBLIC_STAND_IN });
    running = await startIngestWorker(settings, silentLogger);
  });

  afterEach(async () => {
    await running.stop(2_000);
    await q.cleanup();
    await server.close();
    await db.cleanup();
  });

  const serveHtml = (path: string, html: () => string | Buffer, headers: Record<string, string> = {}) =>
    server.route(path, (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(html()));

  it('stores each enqueued page as an article with the fixture fields, and one ok attempt', async () => {
    const fixtures = ['koreaherald-tillerson', 'daum-koreaherald-tillerson'];
    const ids: string[] = [];
    // One after the other, so which of the two syndicated copies is the duplicate is known.
    for (const name of fixtures) {
      serveHtml(`/news/${name}`, () => fixtureSource(name));
      const [outcome] = await q.enqueue([server.url(`/news/${name}`)]);
      const finished = await q.waitForJob(jobIdOf(outcome));
      expect(finished).toMatchObject({ state: 'completed', returnvalue: { status: 'inserted', version: 1 } });
    }
    for (const name of fixtures) {
      const url = server.url(`/news/${name}`);
      const article = await running.store.getArticleByUrl(url);
      expect(article, name).not.toBeNull();
      const expected = fixtureExpected(name);
      for (const field of STABLE_FIELDS.filter((f) => f in expected)) expect(article![field as keyof typeof article], `${name}.${field}`).toEqual(expected[field]);
      expect(article!.url).toBe(url);
      expect(article!.site).toBe(PUBLIC_STAND_IN);
      ids.push(article!.id);

      const attempts = await running.store.listAttempts(url);
      expect(attempts.map((a) => [a.status, a.reason, a.httpStatus, a.articleId, a.attempt])).toEqual([['ok', 'inserted', 200, article!.id, 1]]);
    }
    expect(ids[0]).not.toBe(ids[1]);
    // The Daum copy of the Korea Herald story came second: it is the near-duplicate.
    expect((await running.store.getArticle(ids[1]!))!.duplicateOf).toBe(ids[0]);
    expect(await running.store.countArticles()).toBe(2);
    expect(await running.store.countRawPages()).toBe(2);
  });

  it('the same URL enqueued 20 times at once (in spellings that normalize alike) is one job, one fetch, one article', async () => {
    serveHtml('/story', () => articleHtml({ url: server.url('/story'), title: 'Harbour works delayed', paragraphs: paragraphsAbout('Incheon') }));
    const spellings = [
      server.url('/story'),
      server.url('/story?utm_source=feed'),
      server.url('/story#comments'),
      `http://${PUBLIC_STAND_IN}:${server.port}/story?utm_medium=social&utm_campaign=x`,
    ];
    const outcomes = (await Promise.all(Array.from({ length: 20 }, (_, i) => q.enqueue([spellings[i % spellings.length]!])))).flat();
    const jobIds = new Set(outcomes.map(jobIdOf));
    expect(jobIds.size).toBe(1);

    const finished = await q.waitForJob([...jobIds][0]!);
    expect(finished.state).toBe('completed');
    expect(await running.store.countArticles()).toBe(1);
    expect(server.requests.filter((r) => r.path.startsWith('/story'))).toHaveLength(1);
    expect(await running.store.listAttempts(server.url('/story'))).toHaveLength(1);
  });

  it('an edited page enqueued again becomes a second version', async () => {
    let paragraphs = paragraphsAbout('Busan');
    serveHtml('/edited', () => articleHtml({ url: server.url('/edited'), title: 'Railway plan revised', paragraphs }));

    const first = await q.waitForJob(jobIdOf((await q.enqueue([server.url('/edited')]))[0]));
    expect(first).toMatchObject({ state: 'completed', returnvalue: { status: 'inserted', version: 1 } });

    paragraphs = [...paragraphs.slice(0, 3), 'Correction: the railway project will need nine more months, not six, the city office said on Wednesday evening.'];
    const second = await q.waitForJob(jobIdOf((await q.enqueue([server.url('/edited')]))[0]));
    expect(second).toMatchObject({ state: 'completed', returnvalue: { status: 'updated', version: 2 } });

    const article = await running.store.getArticleByUrl(server.url('/edited'));
    const versions = await running.store.listVersions(article!.id);
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect(versions[0]!.contentHash).not.toBe(versions[1]!.contentHash);
    expect(versions[1]!.article.text).toContain('nine more months');
    expect(versions[0]!.article.text).not.toContain('nine more months');
    expect(server.requests.filter((r) => r.path === '/edited')).toHaveLength(2);
  });

  it('a 304 answer to If-None-Match records not_modified and leaves the article as it was', async () => {
    const etag = '"v1-busan"';
    server.route('/conditional', (req, res) => {
      if (req.headers['if-none-match'] === etag) return res.writeHead(304, { etag }).end();
      return res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', etag })
        .end(articleHtml({ url: server.url('/conditional'), title: 'Market reopens', paragraphs: paragraphsAbout('Daegu') }));
    });
    const url = server.url('/conditional');
    await q.waitForJob(jobIdOf((await q.enqueue([url]))[0]));
    const before = await running.store.getArticleByUrl(url);
    expect(before).not.toBeNull();

    const second = await q.waitForJob(jobIdOf((await q.enqueue([url]))[0]));
    expect(second).toMatchObject({ state: 'completed', returnvalue: { status: 'not_modified' } });

    const requests = server.requests.filter((r) => r.path === '/conditional');
    expect(requests.map((r) => r.headers['if-none-match'] ?? null)).toEqual([null, etag]);
    const last = await running.store.lastOutcome(url);
    expect([last?.status, last?.httpStatus, last?.attempt]).toEqual(['not_modified', 304, 1]);
    expect(last?.timings.extractMs).toBeNull();
    expect(await running.store.getArticleByUrl(url)).toEqual(before);
    expect(await running.store.listVersions(before!.id)).toHaveLength(1);
  });
});
