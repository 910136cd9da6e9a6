/**
 * A page that crashes whatever parses it (2). Parsed in the worker process, it kills the worker:
 * after the second crash BullMQ's stall limit fails the job, recorded as `worker_crashed`, while
 * the other jobs complete. Parsed in the extraction sandbox (the default), only its thread dies:
 * the job fails at once as `extract_crashed`, and the worker never stops.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../src/config/settings.js';
import { startIngestWorker, type RunningWorker } from '../../jobs/worker.js';
import {
  createTestDatabase, openTestQueue, silentLogger, testSettings, type TestDatabase, type TestQueue,
} from '../helpers/worker-harness.js';
import { BIG_HEAP_BOMB } from './hostile-pages.js';
import { fates, startArticleServer, Workers } from './fault-harness.js';

let db: TestDatabase | undefined;
let q: TestQueue | undefined;
let server: Awaited<ReturnType<typeof startArticleServer>> | undefined;
let running: RunningWorker | undefined;
const workers = new Workers();

afterEach(async () => {
  await workers.killAll();
  await running?.stop(1_000);
  await q?.cleanup();
  await server?.close();
  await db?.cleanup();
  db = q = server = running = undefined;
});

const ORDINARY = ['/a/harbour-one', '/a/harbour-two', '/a/harbour-three'];

async function setUp(overrides: Partial<Settings> = {}): Promise<{ settings: Settings; bomb: string; ordinary: string[] }> {
  db = await createTestDatabase('sqlite');
  server = await startArticleServer();
  server.route('/bomb', (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(BIG_HEAP_BOMB));
  const settings = testSettings({ databaseUrl: db.url, concurrency: 1, lockMs: 1_000, stalledIntervalMs: 500, maxBytes: 16 * 1024 * 1024, ...overrides });
  q = await openTestQueue(settings);
  // Not server.url('/bomb'): that would route the path to an ordinary article.
  return { settings, bomb: `${server.origin}/bomb`, ordinary: ORDINARY.map((p) => server!.url(p)) };
}

async function enqueueAll(urls: readonly string[]): Promise<string[]> {
  return (await q!.enqueue(urls)).map((o) => {
    if (!o.accepted) throw new Error(`refused ${o.url}`);
    return o.jobId;
  });
}

describe('a page that crashes its parser (2)', () => {
  it('parsed in process, it kills the worker twice, then fails as worker_crashed; the other jobs complete', async () => {
    // A lock longer than the blocking parse: in process, parsing the bomb holds the event loop for
    // seconds, and a shorter lock would expire (a stall) with the worker still alive.
    const { settings, bomb, ordinary } = await setUp({ lockMs: 8_000, stalledIntervalMs: 1_000 });
    const [bombJob, ...others] = await enqueueAll([bomb, ...ordinary]);
    // A supervisor as systemd or Kubernetes would be: every dead worker is replaced.
    const env = { NEWSWORKER_EXTRACT_ISOLATION: 'inline', NODE_OPTIONS: '--max-old-space-size=128' };
    let crashes = 0;
    let done = false;
    const supervise = (async () => {
      while (!done) {
        const child = await workers.start(settings, env);
        const exit = await Promise.race([child.exited, q!.waitForJob(bombJob!, 120_000).then(() => null)]);
        if (exit === null) return;
        crashes += 1;
      }
    })();
    const finished = await q!.waitForJob(bombJob!, 120_000);
    done = true;
    await supervise;

    expect(finished).toMatchObject({ state: 'failed', failedReason: 'job stalled more than allowable limit' });
    expect(crashes).toBe(2);
    expect(server!.requests.filter((r) => r.path === '/bomb').length).toBe(2);
    for (const id of others) expect((await q!.waitForJob(id!, 30_000)).state).toBe('completed');
    const fate = await fates(db!.url, [bomb, ...ordinary]);
    expect(fate.get(bomb)).toEqual({ articles: 0, finals: ['failed:worker_crashed'] });
    for (const url of ordinary) expect(fate.get(url)).toEqual({ articles: 1, finals: ['ok:inserted'] });
    console.info(`[fault 2] in process: ${crashes} worker crashes, then failed (worker_crashed); ${others.length} other jobs completed`);
  }, 180_000);

  it('parsed in the sandbox, only that job fails (extract_crashed, one attempt); the worker keeps working', async () => {
    const { settings, bomb, ordinary } = await setUp();
    running = await startIngestWorker(settings, silentLogger, { sandbox: { threads: 1, maxOldGenerationSizeMb: 64, deadlineMs: 60_000 } });
    const started = Date.now();
    const [bombJob, ...others] = await enqueueAll([bomb, ...ordinary]);
    const finished = await q!.waitForJob(bombJob!, 60_000);
    expect(finished).toMatchObject({ state: 'failed', attemptsMade: 1, failedReason: expect.stringMatching(/^extract_crashed: .*memory limit/) });
    for (const id of others) expect((await q!.waitForJob(id!, 30_000)).state).toBe('completed');
    expect(server!.requests.filter((r) => r.path === '/bomb').length).toBe(1);
    const fate = await fates(db!.url, [bomb, ...ordinary]);
    expect(fate.get(bomb)).toEqual({ articles: 0, finals: ['failed:extract_crashed'] });
    for (const url of ordinary) expect(fate.get(url)).toEqual({ articles: 1, finals: ['ok:inserted'] });
    console.info(`[fault 2] sandbox: the hostile job failed and ${others.length} others completed in ${Date.now() - started} ms`);
  }, 90_000);
});
