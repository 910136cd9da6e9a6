/**
 * Redis hung (6): a redis-server of the test's own stopped with SIGSTOP keeps its sockets open and
 * answers nothing. The API's /readyz answers 503 within 2 s instead of hanging (tests/http checks
 * the same against a fake hanging server; this is the real one, with a worker attached), and after
 * SIGCONT readiness, the API and the worker carry on by themselves.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { startIngestWorker, type RunningWorker } from '../../jobs/worker.js';
import { parseAllowList } from '../../src/fetch/index.js';
import { buildApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { openStore, type Store } from '../../src/store/index.js';
import {
  createTestDatabase, openTestQueue, silentLogger, sleep, testSettings, type TestDatabase, type TestQueue,
} from '../helpers/worker-harness.js';
import { startArticleServer } from './fault-harness.js';
import { createRedisProcess, type RedisProcess } from './redis-process.js';

const TOKEN = 'fault-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };

let redis: RedisProcess | undefined;
let db: TestDatabase | undefined;
let q: TestQueue | undefined;
let store: Store | undefined;
let app: FastifyInstance | undefined;
let running: RunningWorker | undefined;
let server: Awaited<ReturnType<typeof startArticleServer>> | undefined;

afterEach(async () => {
  redis?.resume();
  await running?.stop(1_000);
  await app?.close();
  await q?.queue.close().catch(() => undefined);
  q?.redis.disconnect();
  await store?.close();
  await server?.close();
  await redis?.cleanup();
  await db?.cleanup();
  redis = db = q = store = app = running = server = undefined;
});

describe('Redis hung with SIGSTOP (6)', () => {
  it('/readyz answers 503 within 2 s while Redis hangs; after SIGCONT everything carries on', async () => {
    redis = await createRedisProcess();
    await redis.start();
    db = await createTestDatabase('sqlite');
    server = await startArticleServer();
    const settings = testSettings({ redisUrl: redis.url, databaseUrl: db.url, lockMs: 10_000, stalledIntervalMs: 5_000 });
    q = await openTestQueue(settings);
    q.redis.on('error', () => undefined);
    store = await openStore(db.url);
    app = await buildApp({
      logger: silentLogger, store, ingestQueue: q.queue, redis: q.redis, metrics: createMetrics({ defaultMetrics: false }),
      credentials: { apiToken: TOKEN }, allow: parseAllowList(settings.allowCidrs),
    });
    await app.ready();
    running = await startIngestWorker(settings, silentLogger);
    expect((await app.inject('/readyz')).statusCode).toBe(200);

    redis.pause();
    const probes: Array<{ status: number; ms: number; body: unknown }> = [];
    for (let i = 0; i < 3; i += 1) {
      const t = Date.now();
      const res = await app.inject('/readyz');
      probes.push({ status: res.statusCode, ms: Date.now() - t, body: res.json() });
    }
    for (const p of probes) {
      expect(p.status).toBe(503);
      expect(p.ms).toBeLessThan(2_000);
      expect(p.body).toMatchObject({ error: 'not_ready', checks: { redis: expect.not.stringMatching(/^ok$/), database: 'ok' } });
    }
    await sleep(1_000);
    redis.resume();
    const resumedAt = Date.now();

    let ready = 0;
    while ((await app.inject('/readyz')).statusCode !== 200) {
      if (Date.now() - resumedAt > 10_000) throw new Error('not ready 10 s after SIGCONT');
      await sleep(100);
    }
    ready = Date.now() - resumedAt;
    const urls = Array.from({ length: 4 }, (_, i) => server!.url(`/a/after-hang-${i}`));
    const res = await app.inject({ method: 'POST', url: '/api/ingest', headers: auth, payload: { urls } });
    expect(res.statusCode).toBe(202);
    for (const r of res.json().results as Array<{ jobId: string }>) expect((await q.waitForJob(r.jobId, 20_000)).state).toBe('completed');
    expect(await store.countArticles()).toBe(4);
    console.info(`[fault 6] /readyz while hung: ${probes.map((p) => `${p.status} in ${p.ms} ms`).join(', ')}; ready again ${ready} ms after SIGCONT; 4 URLs ingested after`);
  }, 60_000);
});
