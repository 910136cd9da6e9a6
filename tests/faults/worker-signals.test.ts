/**
 * Worker processes killed for real, several jobs at a time (tests/worker/process.test.ts covers one
 * job on SQLite): SIGKILL with four jobs running on PostgreSQL, every one recovered by the stalled
 * check and stored once (1); SIGTERM with four jobs running, exit 0 within the deadline, every job
 * completed once and no stalled event afterwards (3).
 */
import { QueueEvents } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { QUEUE, redisConnection } from '../../jobs/queues.js';
import type { Settings } from '../../src/config/settings.js';
import {
  createTestDatabase, eventually, openTestQueue, sleep, testSettings, type Backend, type TestDatabase, type TestQueue,
} from '../helpers/worker-harness.js';
import { fates, startArticleServer, Workers } from './fault-harness.js';

let db: TestDatabase | undefined;
let q: TestQueue | undefined;
let events: QueueEvents | undefined;
let server: Awaited<ReturnType<typeof startArticleServer>> | undefined;
const workers = new Workers();

afterEach(async () => {
  await workers.killAll();
  await events?.close();
  await q?.cleanup();
  await server?.close();
  await db?.cleanup();
  db = q = events = server = undefined;
});

interface Run {
  settings: Settings;
  urls: string[];
  jobIds: string[];
  stalled: string[];
}

async function setUp(backend: Backend, n: number, overrides: Partial<Settings>): Promise<Run> {
  db = await createTestDatabase(backend);
  server = await startArticleServer({ delayMs: 1_500 });
  const settings = testSettings({ databaseUrl: db.url, concurrency: 4, ...overrides });
  q = await openTestQueue(settings);
  const stalled: string[] = [];
  events = new QueueEvents(QUEUE.ingest, { connection: redisConnection(settings.redisUrl!), prefix: settings.queuePrefix });
  events.on('stalled', ({ jobId }) => stalled.push(jobId));
  await events.waitUntilReady();
  const urls = Array.from({ length: n }, (_, i) => server!.url(`/a/signal-${backend}-${i}`));
  return { settings, urls, jobIds: [], stalled };
}

async function enqueue(run: Run): Promise<void> {
  run.jobIds = (await q!.enqueue(run.urls)).map((o) => {
    if (!o.accepted) throw new Error(`refused ${o.url}`);
    return o.jobId;
  });
}

const activeCount = async () => q!.queue.getActiveCount();

describe('worker processes killed with jobs running', () => {
  it('SIGKILL with four jobs running (PostgreSQL): each is recovered by the stalled check and stored once (1)', async () => {
    const run = await setUp('postgres', 8, { lockMs: 1_000, stalledIntervalMs: 500 });
    const first = await workers.start(run.settings);
    await enqueue(run);
    await eventually(async () => ((await activeCount()) === 4 ? true : undefined), 15_000, 'four active jobs');
    first.process.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const killedAt = Date.now();

    await workers.start(run.settings);
    for (const id of run.jobIds) expect((await q!.waitForJob(id, 40_000)).state).toBe('completed');
    const recoveredMs = Date.now() - killedAt;
    const fate = await fates(db!.url, run.urls);
    for (const url of run.urls) expect(fate.get(url), url).toEqual({ articles: 1, finals: ['ok:inserted'] });
    expect(new Set(run.stalled).size).toBe(4);
    console.info(`[fault 1] SIGKILL with 4 running: ${new Set(run.stalled).size} stalled events, all 8 jobs stored once, ${recoveredMs} ms after the kill (incl. a worker start)`);
  }, 90_000);

  it('SIGTERM with four jobs running: exit 0 within the deadline, nothing lost, no stalled event after (3)', async () => {
    const run = await setUp('sqlite', 8, { lockMs: 1_000, stalledIntervalMs: 500, shutdownMs: 10_000 });
    const worker = await workers.start(run.settings);
    await enqueue(run);
    await eventually(async () => ((await activeCount()) === 4 ? true : undefined), 15_000, 'four active jobs');
    const termAt = Date.now();
    worker.process.kill('SIGTERM');
    const exit = await worker.exited;
    const exitMs = Date.now() - termAt;
    expect(exit.code).toBe(0);
    expect(exitMs).toBeLessThan(10_000);
    // The four running jobs finished before the exit; the four others were never taken.
    expect(await q!.queue.getCompletedCount()).toBe(4);
    expect(await q!.queue.getWaitingCount()).toBe(4);

    await workers.start(run.settings);
    for (const id of run.jobIds) expect((await q!.waitForJob(id, 30_000)).state).toBe('completed');
    // Several lock lifetimes and stalled checks later, still nothing stalled.
    await sleep(3_000);
    expect(run.stalled).toEqual([]);
    const fate = await fates(db!.url, run.urls);
    for (const url of run.urls) expect(fate.get(url), url).toEqual({ articles: 1, finals: ['ok:inserted'] });
    for (const url of run.urls) expect(server!.served(new URL(url).pathname)).toBe(1);
    console.info(`[fault 3] SIGTERM with 4 running: exit 0 after ${exitMs} ms, 8/8 stored once, 0 stalled events`);
  }, 90_000);
});
