/**
 * Nothing accepted is lost (4): URLs accepted by the API are in the outbox before they are queued;
 * when Redis restarts without persistence under a running worker, the reconciler notices the wipe,
 * queues every open URL again and re-creates the sources' schedulers; a URL whose enqueue never
 * happened (the API died between the two writes) is queued after the grace period.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { DISCOVER_QUEUE } from '../../jobs/discover-job.js';
import { ingestJobId } from '../../jobs/job-id.js';
import { startIngestWorker, type RunningWorker } from '../../jobs/worker.js';
import type { Settings } from '../../src/config/settings.js';
import { parseAllowList } from '../../src/fetch/index.js';
import { buildApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { openStore, type Store } from '../../src/store/index.js';
import {
  createTestDatabase, eventually, openTestQueue, silentLogger, testSettings, type TestDatabase, type TestQueue,
} from '../helpers/worker-harness.js';
import { fates, startArticleServer } from './fault-harness.js';
import { createRedisProcess, type RedisProcess } from './redis-process.js';

const TOKEN = 'fault-token-0123456789abcdef';

let redis: RedisProcess | undefined;
let db: TestDatabase | undefined;
let q: TestQueue | undefined;
let store: Store | undefined;
let app: FastifyInstance | undefined;
let running: RunningWorker | undefined;
let server: Awaited<ReturnType<typeof startArticleServer>> | undefined;
let sourcesDir: string | undefined;

afterEach(async () => {
  await running?.stop(1_000);
  await app?.close();
  await q?.queue.close().catch(() => undefined);
  q?.redis.disconnect();
  await store?.close();
  await server?.close();
  await redis?.cleanup();
  await db?.cleanup();
  if (sourcesDir) rmSync(sourcesDir, { recursive: true, force: true });
  redis = db = q = store = app = running = server = sourcesDir = undefined;
});

async function setUp(delayMs = 0): Promise<Settings> {
  redis = await createRedisProcess();
  await redis.start();
  db = await createTestDatabase('sqlite');
  server = await startArticleServer({ delayMs });
  sourcesDir = mkdtempSync(join(tmpdir(), 'newsworker-sources-'));
  const sourcesFile = join(sourcesDir, 'sources.yaml');
  writeFileSync(sourcesFile, `sources:\n  - id: local-feed\n    url: ${server.origin}/feed.xml\n    kind: feed\n    schedule: { every: 1h }\n`);
  const settings = testSettings({ redisUrl: redis.url, databaseUrl: db.url, concurrency: 1, lockMs: 2_000, stalledIntervalMs: 1_000, sourcesFile });
  q = await openTestQueue(settings);
  q.redis.on('error', () => undefined);
  store = await openStore(db.url);
  app = await buildApp({
    logger: silentLogger, store, ingestQueue: q.queue, redis: q.redis, metrics: createMetrics({ defaultMetrics: false }),
    credentials: { apiToken: TOKEN }, allow: parseAllowList(settings.allowCidrs),
  });
  await app.ready();
  return settings;
}

async function schedulerIds(settings: Settings): Promise<string[]> {
  const discover = new Queue(DISCOVER_QUEUE, { connection: q!.redis, prefix: settings.queuePrefix });
  try {
    return (await discover.getJobSchedulers(0, -1)).map((s) => s.key);
  } finally {
    await discover.close();
  }
}

describe('the outbox and its reconciler (4)', () => {
  it('URLs accepted by the API survive a Redis restart without persistence: each ends as one article', async () => {
    // Slow pages and one job at a time: most jobs are still waiting when Redis loses them.
    const settings = await setUp(300);
    running = await startIngestWorker(settings, silentLogger, { reconciler: { intervalMs: 300, graceMs: 60_000 } });
    const urls = Array.from({ length: 12 }, (_, i) => server!.url(`/a/outbox-${i}`));
    const res = await app!.inject({ method: 'POST', url: '/api/ingest', headers: { authorization: `Bearer ${TOKEN}` }, payload: { urls } });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ accepted: 12, rejected: 0 });
    for (const url of urls) expect(await store!.getOutboxEntry(url)).toMatchObject({ jobId: ingestJobId(url), origin: 'api', doneAt: null });

    await eventually(async () => ((await store!.countArticles()) >= 2 ? true : undefined), 20_000, 'two articles');
    await redis!.restart();
    const restartedAt = Date.now();
    const lostAtRestart = urls.length - (await store!.countArticles());
    expect(lostAtRestart).toBeGreaterThan(0);

    await eventually(async () => ((await store!.countArticles()) === urls.length ? true : undefined), 60_000, 'every article');
    const recoveredMs = Date.now() - restartedAt;
    await eventually(async () => ((await store!.openOutbox(new Date(Date.now() + 60_000).toISOString(), 100)).length === 0 ? true : undefined), 10_000, 'a settled outbox');
    const fate = await fates(db!.url, urls);
    for (const url of urls) {
      expect(fate.get(url)?.articles, url).toBe(1);
      expect(fate.get(url)?.finals.filter((f) => f.startsWith('ok')), url).toHaveLength(1);
    }
    expect(await schedulerIds(settings)).toEqual(['source:local-feed']);
    console.info(`[fault 4] ${lostAtRestart} of ${urls.length} accepted URLs had no article when Redis restarted; all ${urls.length} stored ${recoveredMs} ms later, schedulers re-created`);
  }, 120_000);

  it('a URL in the outbox whose enqueue never happened is queued after the grace period', async () => {
    const settings = await setUp();
    const url = server!.url('/a/orphan');
    // The API wrote the outbox and died before queueing.
    await store!.acceptUrls([{ url, jobId: ingestJobId(url), origin: 'api', acceptedAt: new Date().toISOString() }]);
    const started = Date.now();
    running = await startIngestWorker(settings, silentLogger, { reconciler: { intervalMs: 300, graceMs: 1_500 } });
    await eventually(async () => ((await store!.countArticles()) === 1 ? true : undefined), 20_000, 'the article');
    const tookMs = Date.now() - started;
    expect(tookMs).toBeGreaterThanOrEqual(1_500);
    await eventually(async () => ((await store!.getOutboxEntry(url))?.doneAt ? true : undefined), 5_000, 'the entry settled');
    expect(await schedulerIds(settings)).toEqual([]); // no wipe seen: schedulers are not this worker's business
    console.info(`[fault 4] an orphaned outbox URL was queued and stored ${tookMs} ms after the worker started (grace 1500 ms)`);
  }, 60_000);
});
