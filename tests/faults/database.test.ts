/**
 * The database failing under running workers (8, 9): PostgreSQL backends terminated mid-run (only
 * this test's own connections, found by their application_name); four worker processes writing one
 * SQLite file, one of them SIGKILLed mid-run; a SQLite file that is full (`max_page_count`).
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { startIngestWorker, type RunningWorker } from '../../jobs/worker.js';
import type { Settings } from '../../src/config/settings.js';
import { openStore, type Store } from '../../src/store/index.js';
import {
  createTestDatabase, eventually, openTestQueue, silentLogger, sleep, testSettings, TEST_DATABASE_URL,
  type TestDatabase, type TestQueue,
} from '../helpers/worker-harness.js';
import { fates, startArticleServer, Workers } from './fault-harness.js';

let db: TestDatabase | undefined;
let q: TestQueue | undefined;
let server: Awaited<ReturnType<typeof startArticleServer>> | undefined;
let running: RunningWorker | undefined;
let store: Store | undefined;
const workers = new Workers();

afterEach(async () => {
  await workers.killAll();
  await running?.stop(1_000);
  await store?.close();
  await q?.cleanup();
  await server?.close();
  await db?.cleanup();
  db = q = server = running = store = undefined;
});

async function enqueueAll(urls: readonly string[]): Promise<string[]> {
  return (await q!.enqueue(urls)).map((o) => {
    if (!o.accepted) throw new Error(`refused ${o.url}`);
    return o.jobId;
  });
}

/** Every recorded attempt of these URLs, as `status:reason`. */
async function allAttempts(databaseUrl: string, urls: readonly string[]): Promise<string[]> {
  const s = await openStore(databaseUrl);
  try {
    return (await Promise.all(urls.map((u) => s.listAttempts(u)))).flat().map((a) => `${a.status}:${a.reason ?? ''}`);
  } finally {
    await s.close();
  }
}

describe('PostgreSQL backends terminated mid-run (8)', () => {
  it('no crash; failed writes are retried; ingestion resumes within 10 s; each URL stored once', async () => {
    db = await createTestDatabase('postgres');
    const appName = `nwfault-${randomUUID().slice(0, 8)}`;
    const url = new URL(db.url);
    url.searchParams.set('application_name', appName);
    server = await startArticleServer({ delayMs: 300 });
    const settings = testSettings({ databaseUrl: url.toString(), concurrency: 4, attempts: 5, backoffMs: 200, lockMs: 5_000 });
    q = await openTestQueue(settings);
    const worker = await workers.start(settings);
    const urls = Array.from({ length: 80 }, (_, i) => server!.url(`/a/pg-${i}`));
    const jobIds = await enqueueAll(urls);

    // Steady state first (the worker's extraction threads take a while to boot on a busy machine).
    await eventually(async () => ((await q!.queue.getCompletedCount()) >= 8 ? true : undefined), 60_000, '8 jobs done');
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    let terminated = 0;
    let lastKill = 0;
    try {
      // Twenty rounds, 150 ms apart: idle and busy connections alike are cut.
      for (let round = 0; round < 20; round += 1) {
        await sleep(150);
        const res = await admin.query('SELECT pg_terminate_backend(pid) AS t FROM pg_stat_activity WHERE application_name = $1', [appName]);
        terminated += res.rows.filter((r: { t: boolean }) => r.t).length;
        lastKill = Date.now();
      }
    } finally {
      await admin.end();
    }
    const completedAtKill = await q.queue.getCompletedCount();
    expect(completedAtKill).toBeLessThan(urls.length); // work was left when the last round hit
    const resumedMs = await eventually(async () => ((await q!.queue.getCompletedCount()) > completedAtKill ? Date.now() - lastKill : undefined), 10_000, 'a job completing after the last termination');
    for (const id of jobIds) expect((await q.waitForJob(id, 60_000)).state).toBe('completed');
    expect(worker.process.exitCode).toBeNull();
    expect(terminated).toBeGreaterThan(0);
    const fate = await fates(db.url, urls);
    for (const u of urls) expect(fate.get(u)?.articles, u).toBe(1);
    const retried = (await allAttempts(db.url, urls)).filter((a) => a.startsWith('retrying:')).length;
    const rerun = (await Promise.all(jobIds.map((id) => q!.queue.getJob(id)))).filter((j) => (j?.attemptsMade ?? 0) > 1).length;
    console.info(`[fault 8] PostgreSQL: ${terminated} backends terminated in 20 rounds; ${retried} attempts recorded as retrying, ${rerun} jobs run more than once; resumed ${resumedMs} ms after the last round; 80/80 stored once; worker alive`);
  }, 120_000);
});

describe('SQLite with four worker processes (8)', () => {
  it('no SQLITE_BUSY reaches a job; a worker SIGKILLed mid-run leaves integrity_check ok; each URL stored once', async () => {
    db = await createTestDatabase('sqlite');
    server = await startArticleServer({ delayMs: 50 });
    const settings = testSettings({ databaseUrl: db.url, concurrency: 4, lockMs: 1_000, stalledIntervalMs: 500 });
    q = await openTestQueue(settings);
    const started = await Promise.all([0, 1, 2, 3].map(() => workers.start(settings)));
    const urls = Array.from({ length: 80 }, (_, i) => server!.url(`/a/sqlite-${i}`));
    const jobIds = await enqueueAll(urls);
    await eventually(async () => ((await q!.queue.getCompletedCount()) >= 20 ? true : undefined), 60_000, '20 jobs done');
    started[0]!.process.kill('SIGKILL');
    await started[0]!.exited;
    const file = new Database(db.url, { readonly: true });
    try {
      expect(file.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      file.close();
    }
    for (const id of jobIds) expect((await q.waitForJob(id, 90_000)).state).toBe('completed');
    const attempts = await allAttempts(db.url, urls);
    expect(attempts.filter((a) => /busy|locked/i.test(a))).toEqual([]);
    const fate = await fates(db.url, urls);
    for (const u of urls) expect(fate.get(u)?.articles, u).toBe(1);
    const after = new Database(db.url, { readonly: true });
    try {
      expect(after.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      after.close();
    }
    console.info(`[fault 8] SQLite: 4 writer processes, one SIGKILLed mid-run; 80/80 stored once; ${attempts.length} attempts, 0 busy; integrity_check ok after the kill and at the end`);
  }, 180_000);
});

describe('a full SQLite file (9)', () => {
  it('fails the job retryably with reason disk_full, corrupts nothing, and the retry succeeds once there is room', async () => {
    db = await createTestDatabase('sqlite');
    server = await startArticleServer();
    const settings: Settings = testSettings({ databaseUrl: db.url, concurrency: 1, attempts: 5, backoffMs: 1_000 });
    q = await openTestQueue(settings);
    // Room for the schema and a few articles only.
    store = await openStore(db.url, { maxPageCount: 60 });
    running = await startIngestWorker(settings, silentLogger, { store, reconciler: false });
    const urls = Array.from({ length: 30 }, (_, i) => server!.url(`/a/full-${i}`));
    const jobIds = await enqueueAll(urls);
    const firstFailure = await eventually(async () => {
      for (const id of jobIds) {
        const job = await q!.queue.getJob(id);
        if (job?.failedReason) return { id, reason: job.failedReason, state: await job.getState() };
      }
      return undefined;
    }, 60_000, 'a failure');
    expect(firstFailure.reason).toMatch(/^disk_full: /);
    expect(['delayed', 'waiting']).toContain(firstFailure.state); // retryable: back in the queue
    const stored = await store.countArticles();
    expect(stored).toBeGreaterThan(0);
    await running.stop(2_000);
    await store.close();
    running = store = undefined;

    const file = new Database(db.url, { readonly: true });
    try {
      expect(file.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      file.close();
    }
    // Room again: a worker with an unlimited store finishes every job, the full one included.
    running = await startIngestWorker(settings, silentLogger, { reconciler: false });
    for (const id of jobIds) expect((await q.waitForJob(id, 60_000)).state).toBe('completed');
    const fate = await fates(db.url, urls);
    for (const u of urls) expect(fate.get(u)?.articles, u).toBe(1);
    console.info(`[fault 9] full disk after ${stored} articles: job failed with "${firstFailure.reason.slice(0, 90)}", back in the queue; integrity_check ok; 30/30 stored after room was made`);
  }, 120_000);
});
