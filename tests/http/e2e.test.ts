/**
 * End to end: a URL posted to /api/ingest is fetched by an in-process ingest worker from a local
 * server (127.0.0.2 stands in for the internet), stored, readable at /api/articles/:id, explained
 * and inspected, and counted by /metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Article } from '../../src/article.js';
import { extractArticle } from '../../src/pipeline/index.js';
import { startIngestWorker, type RunningWorker } from '../../jobs/worker.js';
import { startLocalServer, type LocalServer } from '../helpers/local-server.js';
import { BACKENDS, eventually, fixtureExpected, fixtureSource, PUBLIC_STAND_IN, silentLogger } from '../helpers/worker-harness.js';
import { basic, bearer, openTestApp, type TestApp } from './harness.js';

describe.each(BACKENDS)('ingest through the API on %s', (backend) => {
  let t: TestApp;
  let site: LocalServer;
  let worker: RunningWorker;

  beforeAll(async () => {
    site = await startLocalServer({
      host: PUBLIC_STAND_IN,
      routes: {
        '/news/tillerson': (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(fixtureSource('daum-koreaherald-tillerson')),
      },
    });
    t = await openTestApp(backend);
    worker = await startIngestWorker(t.settings, silentLogger, { store: t.store, concurrency: 2, onOutcome: (o) => t.metrics.recordOutcome(o) });
    worker.worker.on('completed', (job) => t.metrics.recordResult(job.returnvalue));
  });
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
    await site?.close();
  });

  it('posted URL → job → stored article → explain → inspector → metrics', async () => {
    const posted = await t.app.inject({ method: 'POST', url: '/api/ingest', headers: bearer(), payload: { urls: [site.url('/news/tillerson')] } });
    expect(posted.statusCode).toBe(202);
    const jobId = (posted.json() as { results: Array<{ jobId: string }> }).results[0]!.jobId;

    const job = await eventually(async () => {
      const res = await t.app.inject(`/api/jobs/${jobId}`);
      const body = res.json() as { state: string; articleId: string | null; result: string | null };
      return body.state === 'completed' || body.state === 'failed' ? body : undefined;
    }, 20_000, 'the job to finish');
    expect(job).toMatchObject({ state: 'completed', result: 'inserted' });
    expect(job.articleId).toEqual(expect.any(String));

    const article = await t.app.inject(`/api/articles/${job.articleId}`);
    expect(article.statusCode).toBe(200);
    const body = article.json() as Article;
    const expected = fixtureExpected('daum-koreaherald-tillerson');
    expect(body.title).toBe(expected.title);
    expect(body.text).toBe(expected.text);
    expect(body.url).toBe(site.url('/news/tillerson'));

    const explained = (await t.app.inject(`/api/articles/${job.articleId}?explain=1`)).json() as Article;
    const want = extractArticle(fixtureSource('daum-koreaherald-tillerson'), { url: site.url('/news/tillerson'), contentType: 'text/html; charset=utf-8', explain: true })!;
    expect(explained.removed).toEqual(want.removed);
    expect(explained.removed?.map((r) => r.rule)).toContain('site-footer');

    const page = await t.app.inject({ url: `/admin/articles/${job.articleId}`, headers: basic() });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<span class="rule">site-footer</span>Korea Herald daum</mark>');
    const marked = [...page.body.matchAll(/<mark class="removed" data-rule="([^"]+)"/g)].map((m) => m[1]);
    expect(marked.sort()).toEqual(want.removed!.map((r) => r.rule).sort());

    const metrics = (await t.app.inject('/metrics')).body.split('\n');
    for (const line of [
      'newsworker_fetches_total{status_class="2xx",reason="ok"} 1',
      'newsworker_jobs_completed_total{result="inserted"} 1',
      'newsworker_articles_saved_total{outcome="inserted"} 1',
      'newsworker_fetch_duration_seconds_count 1',
      'newsworker_extraction_duration_seconds_count 1',
      'newsworker_articles_stored 1',
      'newsworker_queue_jobs{queue="ingest",state="waiting"} 0',
    ]) {
      expect(metrics).toContain(line);
    }
  });
});
