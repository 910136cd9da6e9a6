/**
 * A scheduled source ingested end to end: the scheduler's first job polls a feed, the discover
 * worker queues its two articles, the ingest worker fetches, extracts and stores them in SQLite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadSettings, type Settings } from '../../src/config/settings.js';
import { createLogger } from '../../src/observability/logger.js';
import { pollSource, sourceSchema, type PollReport } from '../../src/sources/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { startDiscoveryWorker, openPollDeps, type RunningDiscovery } from '../../jobs/discover-worker.js';
import { syncSchedules } from '../../jobs/schedule.js';
import { DISCOVER_QUEUE } from '../../jobs/discover-job.js';
import { startIngestWorker, type RunningWorker } from '../../jobs/worker.js';
import { startLocalServer, type LocalServer } from '../helpers/local-server.js';
import { ENTITY_BOMB, rss } from './fixtures.js';
import { deleteKeys, REDIS_URL, testPrefix } from './harness.js';

const prefix = testPrefix();
const dir = mkdtempSync(join(tmpdir(), 'newsworker-e2e-'));
let server: LocalServer;
let store: Store;
let settings: Settings;
let discovery: RunningDiscovery;
let ingest: RunningWorker;
const reports: PollReport[] = [];

function articlePage(title: string, topic: string): string {
  const paras = Array.from({ length: 6 }, (_, i) => `<p>${topic} paragraph ${i + 1}: officials in Seoul said on Saturday that the ${topic} talks would continue next week, after a long day of meetings that ended without a joint statement from either side.</p>`).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} - Example News</title>
<meta property="og:title" content="${title}"><meta property="article:published_time" content="2026-11-28T09:00:00+09:00"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav><article><h1>${title}</h1>${paras}</article><footer>© Example News</footer></body></html>`;
}

beforeAll(async () => {
  server = await startLocalServer({ host: '127.0.0.2' });
  server.route('/a/trade', (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(articlePage('Trade talks resume', 'trade')));
  server.route('/a/climate', (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(articlePage('Climate pact signed', 'climate')));
  server.route('/feed.xml', (_req, res) =>
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(
      rss([
        { url: server.url('/a/trade?utm_medium=rss'), title: 'Trade talks resume', date: '2026-11-28T00:00:00Z', lang: 'en' },
        { url: server.url('/a/climate'), title: 'Climate pact signed', date: '2026-11-28T01:00:00Z', lang: 'en' },
      ]),
    ),
  );
  server.route('/bomb.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(ENTITY_BOMB));
  settings = loadSettings({
    REDIS_URL,
    NEWSWORKER_QUEUE_PREFIX: prefix,
    NEWSWORKER_ALLOW_CIDRS: '127.0.0.2/32',
    NEWSWORKER_HOST_GAP_MS: '0',
    DATABASE_URL: join(dir, 'news.db'),
    LOG_LEVEL: 'silent',
  });
  store = await openStore(settings.databaseUrl);
  const logger = createLogger('silent');
  ingest = await startIngestWorker(settings, logger, { store, concurrency: 2 });
  discovery = await startDiscoveryWorker(settings, logger, { store, onReport: (r) => reports.push(r) });
});

afterAll(async () => {
  await discovery?.stop(1000);
  await ingest?.stop(1000);
  await store?.close();
  await server?.close();
  const redis = new Redis(REDIS_URL);
  await deleteKeys(redis, prefix);
  await redis.quit();
  rmSync(dir, { recursive: true, force: true });
});

it('feed → scheduled discover job → ingest jobs → articles stored; a failing source fails its own job only; a stored URL is not queued again', async () => {
  const source = sourceSchema.parse({ id: 'e2e-feed', url: server.url('/feed.xml'), schedule: { every: '10m' } });
  const bomb = sourceSchema.parse({ id: 'e2e-bomb', url: server.url('/bomb.xml'), schedule: { every: '10m' } });
  await syncSchedules(settings, [bomb, source]);

  const deadline = Date.now() + 20_000;
  while (((await store.countArticles()) < 2 || reports.length < 2) && Date.now() < deadline) await sleep(100);

  expect(reports.map((r) => [r.sourceId, r.status, r.reason, r.enqueued]).sort()).toEqual([
    ['e2e-bomb', 'failed', 'xml_entities', 0],
    ['e2e-feed', 'ok', null, 2],
  ]);
  // The bomb's job failed for good (no retry: only the publisher can fix it).
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const discoverQueue = new Queue(DISCOVER_QUEUE, { connection, prefix });
  let failed = await discoverQueue.getFailed();
  while (failed.length === 0 && Date.now() < deadline) {
    await sleep(50);
    failed = await discoverQueue.getFailed();
  }
  expect(failed.map((j) => [j.data.source.id, j.attemptsMade, j.failedReason.split(':')[0]])).toEqual([['e2e-bomb', 1, 'xml_entities']]);
  await discoverQueue.close();
  await connection.quit();
  const page = await store.listArticles({ limit: 10 });
  expect(page.items.map((a) => [a.url, a.title]).sort()).toEqual([
    [server.url('/a/climate'), 'Climate pact signed'],
    [server.url('/a/trade'), 'Trade talks resume'],
  ]);

  // Even with the seen-set lost, the store says these are already ingested.
  const redis = new Redis(REDIS_URL);
  await redis.del(`${prefix}:source:e2e-feed:seen`);
  await redis.quit();
  const opened = await openPollDeps({ ...settings, redisUrl: REDIS_URL }, createLogger('silent'), store);
  try {
    const again = await pollSource(source, opened.deps, { force: true });
    expect([again.status, again.found, again.enqueued]).toEqual(['ok', 2, 0]);
  } finally {
    await opened.close();
  }
});
