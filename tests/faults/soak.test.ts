/**
 * The soak (14): SOAK_URLS URLs (2,000 by default, 20,000 with `npm run soak`) from a local server,
 * a tenth failing in assorted ways and a tenth failing once then fine, through the outbox into two
 * worker processes; one worker is SIGKILLed and restarted twice, Redis (no persistence) restarted
 * once. At the end every URL has exactly one article or a recorded failure, no article twice, none
 * missing, and Redis holds a bounded number of finished jobs. The counts are printed as a table.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { enqueueUrls } from '../../jobs/enqueue.js';
import type { IngestJobData, IngestJobResult } from '../../jobs/ingest-job.js';
import { QUEUE, queueOptions, redisConnection } from '../../jobs/queues.js';
import { Reconciler } from '../../jobs/reconciler.js';
import { parseAllowList } from '../../src/fetch/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { startLocalServer, type LocalServer } from '../helpers/local-server.js';
import {
  articleHtml, createTestDatabase, PUBLIC_STAND_IN, silentLogger, sleep, testSettings, type TestDatabase, type WorkerChild,
} from '../helpers/worker-harness.js';
import { Workers } from './fault-harness.js';
import { createRedisProcess, type RedisProcess } from './redis-process.js';

const URLS = Number(process.env.SOAK_URLS ?? 2_000);
const BACKEND = process.env.SOAK_BACKEND === 'postgres' ? 'postgres' : 'sqlite';

/** What each tenth of the URLs does: index % 10 picks the kind; failing kinds take turns. */
type Kind = 'article' | 'flaky' | 'http_4xx' | 'http_5xx' | 'not_html' | 'no_article' | 'reset';
const FAILING: readonly Kind[] = ['http_4xx', 'http_5xx', 'not_html', 'no_article', 'reset'];
function kindOf(i: number): Kind {
  if (i % 10 === 3) return FAILING[Math.floor(i / 10) % FAILING.length]!;
  if (i % 10 === 7) return 'flaky';
  return 'article';
}

function words(i: number): string[] {
  // Distinct text per URL (a seeded word salad), so no page is a near-duplicate of another.
  const vocabulary = ['harbour', 'council', 'railway', 'budget', 'school', 'river', 'market', 'bridge', 'festival', 'court', 'hospital', 'airport', 'museum', 'factory', 'election', 'storm'];
  let x = i * 2654435761 >>> 0;
  const pick = () => {
    x = (x * 1103515245 + 12345) >>> 0;
    return vocabulary[x % vocabulary.length]!;
  };
  return Array.from({ length: 4 }, (_, p) =>
    `Story ${i}, part ${p + 1}: the ${pick()} and the ${pick()} of district ${i} were discussed with the ${pick()} board, ` +
    `which asked for a ${pick()} plan before the ${pick()} season and promised answers on the ${pick()} by Friday.`,
  );
}

function handler(server: () => LocalServer, seen: Map<number, number>) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const i = Number((req.url ?? '').split('/')[2]);
    const n = (seen.get(i) ?? 0) + 1;
    seen.set(i, n);
    const kind = kindOf(i);
    const html = (body: string) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    switch (kind) {
      case 'http_4xx': return res.writeHead(404, { 'content-type': 'text/html' }).end('<p>gone</p>');
      case 'http_5xx': return res.writeHead(500, { 'content-type': 'text/html' }).end('<p>boom</p>');
      case 'not_html': return res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.4');
      case 'no_article': return html('<html><body><p>Nothing here.</p></body></html>');
      case 'reset': return req.socket.destroy();
      case 'flaky':
        // The first request is refused; the retry gets the article.
        if (n === 1) return res.writeHead(503, { 'content-type': 'text/html', 'retry-after': '0' }).end('<p>busy</p>');
        return html(articleHtml({ url: server().url(`/s/${i}`), title: `Story ${i}`, paragraphs: words(i) }));
      default: return html(articleHtml({ url: server().url(`/s/${i}`), title: `Story ${i}`, paragraphs: words(i) }));
    }
  };
}

let redis: RedisProcess | undefined;
let db: TestDatabase | undefined;
let server: LocalServer | undefined;
let store: Store | undefined;
const workers = new Workers();

afterAll(async () => {
  await workers.killAll();
  await store?.close();
  await server?.close();
  await redis?.cleanup();
  await db?.cleanup();
});

describe(`soak: ${URLS} URLs on ${BACKEND} (14)`, () => {
  it('every URL ends as one article or one recorded failure through worker kills and a Redis restart', async () => {
    const t0 = Date.now();
    redis = await createRedisProcess();
    await redis.start();
    db = await createTestDatabase(BACKEND);
    const seen = new Map<number, number>();
    server = await startLocalServer({ host: PUBLIC_STAND_IN });
    const route = handler(() => server!, seen);
    const urls = Array.from({ length: URLS }, (_, i) => {
      server!.route(`/s/${i}`, route);
      return server!.url(`/s/${i}`);
    });
    const settings = testSettings({
      redisUrl: redis.url, databaseUrl: db.url, concurrency: 8, attempts: 3, backoffMs: 100,
      lockMs: 3_000, stalledIntervalMs: 1_500, shutdownMs: 5_000, headersTimeoutMs: 3_000, totalTimeoutMs: 5_000,
    });
    store = await openStore(db.url);
    const connection = redisConnection(redis.url);
    connection.on('error', () => undefined);
    const queue = new Queue<IngestJobData, IngestJobResult>(QUEUE.ingest, queueOptions(connection, { ...settings, redisUrl: redis.url }));
    queue.on('error', () => undefined); // the Redis restart is on purpose
    // The API's side: accepted URLs go to the outbox first; its reconciler runs here on a short period.
    const reconciler = new Reconciler(store, queue, connection, { intervalMs: 1_000, graceMs: 30_000, batch: 5_000, logger: silentLogger });
    let requeued = 0;
    let resets = 0;
    let done = false;
    const reconcileLoop = (async () => {
      for (;;) {
        const r = await reconciler.runOnce().catch(() => null);
        if (r) {
          requeued += r.requeued;
          if (r.redisReset) resets += 1;
        }
        if (done) return;
        await sleep(1_000);
      }
    })();

    const a: { child: WorkerChild } = { child: await workers.start(settings) };
    await workers.start(settings);
    const allow = parseAllowList(settings.allowCidrs);
    for (let i = 0; i < urls.length; i += 500) {
      await enqueueUrls(queue, urls.slice(i, i + 500).map((url) => ({ url })), { allow, origin: 'api', outbox: store });
    }

    const good = urls.filter((_, i) => kindOf(i) === 'article' || kindOf(i) === 'flaky').length;
    const progress = async () => (await store!.countArticles()) / good;
    const events: string[] = [];
    let peakMemory = 0;
    const memory = async () => {
      const info = await connection.info('memory').catch(() => '');
      const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
      peakMemory = Math.max(peakMemory, used);
    };
    // The faults, at a quarter, two fifths and a half of the way.
    const plan: Array<[number, string, () => Promise<void>]> = [
      [0.25, 'worker A SIGKILLed and restarted', async () => {
        a.child.process.kill('SIGKILL');
        await a.child.exited;
        a.child = await workers.start(settings, {}, false);
      }],
      [0.4, 'Redis restarted without persistence', async () => redis!.restart()],
      [0.55, 'worker A SIGKILLed and restarted', async () => {
        a.child.process.kill('SIGKILL');
        await a.child.exited;
        a.child = await workers.start(settings, {}, false);
      }],
    ];
    const deadline = Date.now() + Math.max(240_000, URLS * 60);
    for (;;) {
      await memory();
      const p = await progress();
      while (plan.length > 0 && p >= plan[0]![0]) {
        const [, what, act] = plan.shift()!;
        await act();
        events.push(`${what} at ${(p * 100).toFixed(0)}%`);
      }
      const open = await store.openOutbox(new Date(Date.now() + 3_600_000).toISOString(), 1);
      if (plan.length === 0 && open.length === 0) break;
      if (Date.now() > deadline) throw new Error(`soak not finished: ${(p * 100).toFixed(1)}% of articles, events ${events.join('; ')}`);
      await sleep(500);
    }
    done = true;
    await reconcileLoop;
    const elapsed = (Date.now() - t0) / 1000;

    // The verdict, URL by URL. Articles per URL come from one pass over the store (a lookup by URL
    // per URL would scan the table each time).
    const articlesByUrl = new Map<string, number>();
    for await (const article of store.iterateArticles()) {
      if (article.url !== null) articlesByUrl.set(article.url, (articlesByUrl.get(article.url) ?? 0) + 1);
    }
    let articles = 0;
    let twice = 0;
    let failures = 0;
    let missing = 0;
    let failedTwice = 0;
    let rerun = 0;
    let wrong = 0;
    for (const [i, url] of urls.entries()) {
      const attempts = await store.listAttempts(url);
      const finals = attempts.filter((x) => x.status === 'ok' || x.status === 'failed' || x.status === 'not_modified');
      const n = articlesByUrl.get(url) ?? 0;
      if (n > 1) twice += 1;
      const article = n > 0 ? url : null;
      const okRuns = finals.filter((x) => x.status === 'ok').length;
      const failedRuns = finals.filter((x) => x.status === 'failed').length;
      if (okRuns > 1) rerun += 1;
      if (failedRuns > 1) failedTwice += 1;
      if (article !== null) articles += 1;
      else if (failedRuns > 0) failures += 1;
      else missing += 1;
      const shouldSucceed = kindOf(i) === 'article' || kindOf(i) === 'flaky';
      if (shouldSucceed !== (article !== null) || (article !== null && failedRuns > 0)) wrong += 1;
    }
    const stored = await store.countArticles();
    const counts = await queue.getJobCounts();
    const keys = await connection.dbsize();
    await memory();
    await queue.close();
    connection.disconnect();

    console.info(`\n[soak] ${URLS} URLs on ${BACKEND}, 2 workers (concurrency 8), ${elapsed.toFixed(1)} s, ${(URLS / elapsed).toFixed(1)} URLs/s`);
    console.info(`[soak] faults: ${events.join('; ')}; Redis wipes seen by this process's reconciler (a worker's may see it first): ${resets - 1}; URLs re-queued from the outbox: ${requeued}`);
    console.table([
      { what: 'URLs', count: URLS },
      { what: 'expected articles', count: good },
      { what: 'expected failures', count: URLS - good },
      { what: 'URLs with one article', count: articles },
      { what: 'URLs with a recorded failure', count: failures },
      { what: 'URLs missing (neither)', count: missing },
      { what: 'URLs with the wrong fate', count: wrong },
      { what: 'articles in the store', count: stored },
      { what: 'URLs with two articles', count: twice },
      { what: 'URLs stored twice (ok run twice, article upserted)', count: rerun },
      { what: 'URLs with two failed records', count: failedTwice },
      { what: 'jobs kept in Redis (completed / failed)', count: `${counts.completed} / ${counts.failed}` },
      { what: 'Redis keys at the end', count: keys },
      { what: 'Redis used_memory peak (MB)', count: (peakMemory / 1e6).toFixed(1) },
    ]);

    expect(missing).toBe(0);
    expect(wrong).toBe(0);
    expect(articles).toBe(good);
    expect(failures).toBe(URLS - good);
    expect(stored).toBe(good);
    expect(twice).toBe(0);
    expect(failedTwice).toBe(0);
    expect(events).toHaveLength(3);
    // Bounded: finished jobs beyond the removal count are gone, and memory grows by at most ~10 KB a URL.
    expect(counts.completed).toBeLessThanOrEqual(10_000);
    expect(peakMemory).toBeLessThan(20e6 + URLS * 10_000);
  }, Math.max(600_000, URLS * 80));
});
