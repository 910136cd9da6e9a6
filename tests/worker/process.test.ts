/**
 * The worker as an operator runs it, `newsworker worker` in a child process: killed outright in the
 * middle of a job, its job is taken over after a restart and stored once; stopped with SIGTERM, it
 * exits 0 and its running job either completes or goes back to the queue.
 */
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Settings } from '../../src/config/settings.js';
import { openStore } from '../../src/store/index.js';
import { startLocalServer, type LocalServer } from '../helpers/local-server.js';
import {
  articleHtml, createTestDatabase, eventually, openTestQueue, paragraphsAbout, PUBLIC_STAND_IN, spawnWorker, testSettings,
  type TestDatabase, type TestQueue, type WorkerChild,
} from '../helpers/worker-harness.js';

const STARTED = /ingest worker started/;
// Child processes start in 2-3 s on two idle cores, several times that on a busy machine.
vi.setConfig({ testTimeout: 120_000 });
const STARTUP_MS = 60_000;

let db: TestDatabase;
let q: TestQueue;
let server: LocalServer;
let settings: Settings;
let children: WorkerChild[] = [];
/** Answers still being held back, so close() does not wait on them. */
const pending = new Set<NodeJS.Timeout>();

async function setUp(overrides: Partial<Settings>): Promise<void> {
  db = await createTestDatabase('sqlite');
  // info level: the tests wait for the "started" line before enqueueing.
  settings = testSettings({ databaseUrl: db.url, logLevel: 'info', totalTimeoutMs: 15_000, bodyTimeoutMs: 10_000, ...overrides });
  q = await openTestQueue(settings);
  server = await startLocalServer({ host: PUBLIC_STAND_IN });
}

afterEach(async () => {
  for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
  children = [];
  for (const t of pending) clearTimeout(t);
  await q.cleanup();
  await server.close();
  await db.cleanup();
});

/** A page whose head arrives at once and whose body only after `delaysMs[n]` on the n-th request. */
function slowPage(path: string, delaysMs: readonly number[]): void {
  let served = 0;
  server.route(path, (_req, res: ServerResponse) => {
    const delay = delaysMs[Math.min(served++, delaysMs.length - 1)]!;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.write('<!doctype html>');
    const timer = setTimeout(() => {
      pending.delete(timer);
      res.end(articleHtml({ url: server.url(path), title: 'Ferry service resumes', paragraphs: paragraphsAbout('Mokpo') }).slice('<!doctype html>'.length));
    }, delay);
    pending.add(timer);
  });
}

async function startWorker(): Promise<WorkerChild> {
  const child = spawnWorker(settings);
  children.push(child);
  await child.waitForOutput(STARTED, STARTUP_MS);
  return child;
}

async function enqueueOne(path: string): Promise<string> {
  const [outcome] = await q.enqueue([server.url(path)]);
  if (!outcome?.accepted) throw new Error(`refused: ${JSON.stringify(outcome)}`);
  return outcome.jobId;
}

const requestsTo = (path: string) => server.requests.filter((r) => r.path === path).length;

async function storedState(url: string) {
  const store = await openStore(db.url);
  try {
    return {
      articles: await store.countArticles(),
      attempts: (await store.listAttempts(url)).map((a) => [a.status, a.reason]),
      versions: (await store.listVersions((await store.getArticleByUrl(url))?.id ?? '-')).length,
    };
  } finally {
    await store.close();
  }
}

describe('worker child process', () => {
  it('a SIGKILLed worker\'s job completes after a restart, with exactly one article', async () => {
    await setUp({ lockMs: 1_000, stalledIntervalMs: 500 });
    // The first answer hangs long enough for the kill to land mid-fetch; the retry is quick.
    slowPage('/ferry', [20_000, 0]);
    const first = await startWorker();
    const jobId = await enqueueOne('/ferry');
    await eventually(() => (requestsTo('/ferry') === 1 ? true : undefined), 30_000, 'the first fetch');
    expect(await q.queue.getJobState(jobId)).toBe('active');

    first.process.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = await startWorker();
    const finished = await q.waitForJob(jobId, STARTUP_MS);
    expect(finished).toMatchObject({ state: 'completed', returnvalue: { status: 'inserted', version: 1 } });
    expect(requestsTo('/ferry')).toBe(2);
    // The killed run recorded nothing; the taken-over run recorded its one success.
    expect(await storedState(server.url('/ferry'))).toEqual({ articles: 1, attempts: [['ok', 'inserted']], versions: 1 });

    second.process.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });

  it('SIGTERM while a job runs: exit 0 after the job completes within the deadline', async () => {
    await setUp({ shutdownMs: 10_000 });
    slowPage('/bridge', [1_500]);
    const worker = await startWorker();
    const jobId = await enqueueOne('/bridge');
    await eventually(() => (requestsTo('/bridge') === 1 ? true : undefined), 30_000, 'the fetch');

    worker.process.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
    expect(worker.output()).toMatch(/stopping: no new jobs/);
    expect(await q.queue.getJobState(jobId)).toBe('completed');
    expect(await storedState(server.url('/bridge'))).toMatchObject({ articles: 1, attempts: [['ok', 'inserted']] });
  });

  it('SIGTERM with a job outlasting the deadline: exit 0, the job goes back to the queue and a new worker completes it', async () => {
    // One attempt only: handing the job back must not use it up, or the page would fail for good.
    await setUp({ shutdownMs: 500, attempts: 1 });
    slowPage('/tunnel', [20_000, 0]);
    const worker = await startWorker();
    const jobId = await enqueueOne('/tunnel');
    await eventually(() => (requestsTo('/tunnel') === 1 ? true : undefined), 30_000, 'the fetch');

    worker.process.kill('SIGTERM');
    expect((await worker.exited).code).toBe(0);
    expect(worker.output()).toMatch(/deadline reached: aborting running jobs/);
    expect(['waiting', 'delayed', 'prioritized']).toContain(await q.queue.getJobState(jobId));
    expect(await storedState(server.url('/tunnel'))).toMatchObject({ articles: 0 });

    const next = await startWorker();
    expect(await q.waitForJob(jobId, STARTUP_MS)).toMatchObject({ state: 'completed', returnvalue: { status: 'inserted' } });
    expect(await storedState(server.url('/tunnel'))).toEqual({ articles: 1, attempts: [['delayed', 'shutdown'], ['ok', 'inserted']], versions: 1 });
    next.process.kill('SIGTERM');
    expect((await next.exited).code).toBe(0);
  });
});
