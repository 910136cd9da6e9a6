/**
 * Redis going away under a running service, with a redis-server of the test's own (never the shared
 * one): unreachable at start (7), restarted without persistence (4: the workers resume by themselves),
 * killed with AOF on (5: waiting and delayed jobs survive, no duplicate articles).
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../src/config/settings.js';
import {
  createTestDatabase, eventually, openTestQueue, sleep, testSettings, type TestDatabase, type TestQueue,
} from '../helpers/worker-harness.js';
import { articleCount, fates, startArticleServer, STARTED, Workers } from './fault-harness.js';
import { createRedisProcess, freePort, type RedisProcess } from './redis-process.js';

let redis: RedisProcess | undefined;
let db: TestDatabase | undefined;
let q: TestQueue | undefined;
let server: Awaited<ReturnType<typeof startArticleServer>> | undefined;
const workers = new Workers();

afterEach(async () => {
  await workers.killAll();
  await q?.queue.close().catch(() => undefined);
  q?.redis.disconnect();
  await server?.close();
  await redis?.cleanup();
  await db?.cleanup();
  redis = db = q = server = undefined;
});

async function setUp(opts: { aof?: boolean; port?: number; startRedis?: boolean } = {}): Promise<Settings> {
  redis = await createRedisProcess({ aof: opts.aof, port: opts.port });
  if (opts.startRedis ?? true) await redis.start();
  db = await createTestDatabase('sqlite');
  server = await startArticleServer();
  return testSettings({ redisUrl: redis.url, databaseUrl: db.url, lockMs: 2_000, stalledIntervalMs: 1_000 });
}

async function enqueue(paths: readonly string[]): Promise<string[]> {
  const outcomes = await q!.enqueue(paths.map((p) => server!.url(p)));
  return outcomes.map((o) => {
    if (!o.accepted) throw new Error(`refused ${o.url}: ${o.reason}`);
    return o.jobId;
  });
}

const paths = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `/a/${tag}-${i}`);

describe('Redis unreachable at start (7)', () => {
  it('the worker waits with backoff and starts once Redis appears', async () => {
    const port = await freePort();
    const settings = await setUp({ port, startRedis: false });
    // Until Redis comes, the port hangs up on every connection, so the attempts can be counted.
    let attempts = 0;
    const refuser = createServer((socket) => {
      attempts += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => refuser.listen(port, '127.0.0.1', resolve));
    const worker = await workers.start(settings, {}, false);
    await eventually(() => (attempts > 0 ? true : undefined), 20_000, 'a first connection attempt');
    const firstWindow = attempts;
    await sleep(3_000);
    attempts -= firstWindow;
    await new Promise<void>((resolve) => refuser.close(() => resolve()));
    // Still alive, still waiting: not crashed, not started.
    expect(worker.process.exitCode).toBeNull();
    expect(worker.output()).not.toMatch(STARTED);
    // Backoff, not a busy loop: a few attempts per connection in 3 s, not thousands.
    console.info(`[fault 7] ${attempts} connection attempts in 3 s of waiting`);
    expect(attempts).toBeGreaterThan(0);
    expect(attempts).toBeLessThan(40);

    const appeared = Date.now();
    await redis!.start();
    await worker.waitForOutput(STARTED, 20_000);
    const startedAfterMs = Date.now() - appeared;
    console.info(`[fault 7] worker started ${startedAfterMs} ms after Redis appeared`);
    expect(startedAfterMs).toBeLessThan(15_000);

    q = await openTestQueue(settings);
    const [jobId] = await enqueue(['/a/late-start']);
    expect(await q.waitForJob(jobId!, 20_000)).toMatchObject({ state: 'completed', returnvalue: { status: 'inserted' } });
  }, 60_000);
});

describe('Redis restarted without persistence (4)', () => {
  it('a running worker resumes by itself and ingests URLs queued after the restart', async () => {
    const settings = await setUp();
    const worker = await workers.start(settings);
    q = await openTestQueue(settings);
    const before = await enqueue(paths('before', 5));
    for (const id of before) expect((await q.waitForJob(id, 20_000)).state).toBe('completed');

    await redis!.restart();
    expect(await q.queue.count()).toBe(0); // empty: nothing persisted
    const restartedAt = Date.now();
    const after = await enqueue(paths('after', 5));
    for (const id of after) expect((await q.waitForJob(id, 30_000)).state).toBe('completed');
    console.info(`[fault 4] 5 jobs queued after the restart completed within ${Date.now() - restartedAt} ms`);
    expect(worker.process.exitCode).toBeNull();
    expect(await articleCount(db!.url)).toBe(10);
  }, 90_000);
});

describe('Redis killed with AOF on (5)', () => {
  it('waiting and delayed jobs survive the kill and are ingested once each', async () => {
    const settings = await setUp({ aof: true });
    q = await openTestQueue(settings);
    // No worker yet: every job is waiting, and a few are delayed.
    const waiting = await enqueue(paths('waiting', 8));
    const delayedUrls = paths('delayed', 4).map((p) => server!.url(p));
    for (const url of delayedUrls) {
      const [o] = await q.enqueue([url]);
      if (!o?.accepted) throw new Error('refused');
      await q.queue.remove(o.jobId);
      await q.queue.add('ingest', { url, origin: 'test', enqueuedAt: new Date().toISOString() }, { jobId: o.jobId, delay: 3_000 });
    }
    const delayedIds = (await q.queue.getDelayed()).map((j) => j.id!);
    expect(delayedIds).toHaveLength(4);

    await redis!.kill();
    await redis!.start();
    expect(await eventually(async () => ((await q!.queue.getWaitingCount()) === 8 ? 8 : undefined), 10_000, 'reconnect')).toBe(8);
    expect(await q.queue.getDelayedCount()).toBe(4);

    await workers.start(settings);
    for (const id of [...waiting, ...delayedIds]) expect((await q.waitForJob(id, 30_000)).state).toBe('completed');
    const all = [...paths('waiting', 8), ...paths('delayed', 4)].map((p) => server!.url(p));
    const fate = await fates(db!.url, all);
    for (const url of all) expect(fate.get(url)).toEqual({ articles: 1, finals: ['ok:inserted'] });
    for (const p of [...paths('waiting', 8), ...paths('delayed', 4)]) expect(server!.served(p)).toBe(1);
  }, 90_000);
});
