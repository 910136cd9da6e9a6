/**
 * Pages that cannot become articles: each ends with its reason code in the store's attempts and in
 * the BullMQ job's failedReason, a permanent failure after exactly one attempt, a transient one
 * after exactly `attempts` attempts, and nothing is fetched again afterwards.
 */
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngestWorker, type RunningWorker } from '../../jobs/worker.js';
import { startLocalServer, type LocalServer } from '../helpers/local-server.js';
import {
  articleHtml, createTestDatabase, openTestQueue, paragraphsAbout, PUBLIC_STAND_IN, silentLogger, sleep, testSettings,
  type TestDatabase, type TestQueue,
} from '../helpers/worker-harness.js';

const ATTEMPTS = 2;
const MAX_BYTES = 64 * 1024;

let db: TestDatabase;
let q: TestQueue;
let server: LocalServer;
let running: RunningWorker;
const drips = new Set<NodeJS.Timeout>();

/** Headers at once, then one byte every 200 ms for ever: only the total deadline ends it. */
function slowDrip(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/html' });
  res.write('<html><body><p>');
  const timer = setInterval(() => res.write('a'), 200);
  drips.add(timer);
  res.on('close', () => {
    clearInterval(timer);
    drips.delete(timer);
  });
}

const html = (res: ServerResponse, body: string | Buffer, headers: Record<string, string> = {}) =>
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(body);

interface Case {
  name: string;
  path: string;
  handler: (req: IncomingMessage, res: ServerResponse) => unknown;
  reason: string;
  /** How many attempts the job gets: 1 for a permanent failure, ATTEMPTS for a transient one. */
  attempts: number;
  /** Requests the server sees per attempt (0 when robots.txt refuses the page). */
  requestsPerAttempt: number;
}

const cases: Case[] = [
  { name: 'robots.txt disallow', path: '/private/story', handler: (_q, res) => html(res, '<p>secret</p>'), reason: 'robots_disallowed', attempts: 1, requestsPerAttempt: 0 },
  { name: '404', path: '/gone', handler: (_q, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<p>no</p>'), reason: 'http_4xx', attempts: 1, requestsPerAttempt: 1 },
  { name: 'a PDF', path: '/report.pdf', handler: (_q, res) => res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.4'), reason: 'not_html', attempts: 1, requestsPerAttempt: 1 },
  { name: 'a declared body over the cap', path: '/huge', handler: (_q, res) => html(res, 'x'.repeat(4 * MAX_BYTES)), reason: 'too_large', attempts: 1, requestsPerAttempt: 1 },
  {
    name: 'a chunked body over the cap',
    path: '/huge-chunked',
    handler: (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      for (let i = 0; i < 4; i++) res.write('y'.repeat(MAX_BYTES));
      res.end();
    },
    reason: 'too_large',
    attempts: 1,
    requestsPerAttempt: 1,
  },
  {
    name: 'a gzip bomb (20 MB of zeros in ~20 KB)',
    path: '/bomb',
    handler: (() => {
      const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024));
      return (_q: IncomingMessage, res: ServerResponse) => html(res, bomb, { 'content-encoding': 'gzip' });
    })(),
    reason: 'too_large',
    attempts: 1,
    requestsPerAttempt: 1,
  },
  { name: 'a redirect loop', path: '/loop-a', handler: (_q, res) => res.writeHead(302, { location: '/loop-b' }).end(), reason: 'redirect_loop', attempts: 1, requestsPerAttempt: 1 },
  { name: 'a page without an article', path: '/empty', handler: (_q, res) => html(res, '<html><body><nav>Home</nav></body></html>'), reason: 'no_article', attempts: 1, requestsPerAttempt: 1 },
  { name: 'a 500', path: '/broken', handler: (_q, res) => res.writeHead(500, { 'content-type': 'text/html' }).end('oops'), reason: 'http_5xx', attempts: ATTEMPTS, requestsPerAttempt: 1 },
  { name: 'a slow-drip body', path: '/drip', handler: slowDrip, reason: 'timeout_total', attempts: ATTEMPTS, requestsPerAttempt: 1 },
];

beforeAll(async () => {
  db = await createTestDatabase('sqlite');
  const settings = testSettings({ databaseUrl: db.url, attempts: ATTEMPTS, backoffMs: 50, maxBytes: MAX_BYTES, totalTimeoutMs: 1_500 });
  q = await openTestQueue(settings);
  server = await startLocalServer({ host: PUBLIC_STAND_IN });
  server.route('/robots.txt', (_q, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /private/\n'));
  server.route('/loop-b', (_q, res) => res.writeHead(302, { location: '/loop-a' }).end());
  server.route('/fine', (_q, res) => html(res, articleHtml({ url: server.url('/fine'), title: 'Bridge opens', paragraphs: paragraphsAbout('Gwangju') })));
  for (const c of cases) server.route(c.path, c.handler);
  running = await startIngestWorker(settings, silentLogger);
});

afterAll(async () => {
  for (const timer of drips) clearInterval(timer);
  await running.stop(2_000);
  await q.cleanup();
  await server.close();
  await db.cleanup();
});

describe('a page that fails ends with its reason and no retry storm', () => {
  it.each(cases)('$name → $reason after $attempts attempt(s)', async (c) => {
    const url = server.url(c.path);
    const [outcome] = await q.enqueue([url]);
    if (!outcome?.accepted) throw new Error(`refused at enqueue: ${JSON.stringify(outcome)}`);
    const finished = await q.waitForJob(outcome.jobId);
    expect(finished.state).toBe('failed');
    expect(finished.failedReason).toMatch(new RegExp(`^${c.reason}: `));
    expect(finished.attemptsMade).toBe(c.attempts);

    // Longer than any backoff here: a retry storm would show up as more attempts or requests.
    await sleep(400);
    const attempts = await running.store.listAttempts(url);
    const expectedStatuses = [...Array<string>(c.attempts - 1).fill('retrying'), 'failed'];
    expect(attempts.map((a) => [a.status, a.reason, a.attempt])).toEqual(expectedStatuses.map((s, i) => [s, c.reason, i + 1]));
    expect((await running.store.lastOutcome(url))?.reason).toBe(c.reason);
    expect(server.requests.filter((r) => r.path === c.path)).toHaveLength(c.attempts * c.requestsPerAttempt);
    expect(await running.store.getArticleByUrl(url)).toBeNull();
  });

  it.each(['not a url', 'http://', '//127.0.0.2/relative'])('a job added straight to the queue with URL %j fails once as bad_url', async (url) => {
    const jobId = `direct-${Buffer.from(url).toString('hex')}`;
    await q.queue.add('ingest', { url, origin: 'dashboard', enqueuedAt: new Date().toISOString() }, { jobId });
    const finished = await q.waitForJob(jobId);
    expect([finished.state, finished.attemptsMade]).toEqual(['failed', 1]);
    expect(finished.failedReason).toMatch(/^bad_url: /);
    expect((await running.store.listAttempts(url)).map((a) => [a.status, a.reason])).toEqual([['failed', 'bad_url']]);
  });

  it('the worker still ingests a good page of the same host afterwards', async () => {
    const [outcome] = await q.enqueue([server.url('/fine')]);
    if (!outcome?.accepted) throw new Error('refused');
    expect((await q.waitForJob(outcome.jobId)).state).toBe('completed');
    expect(await running.store.countArticles()).toBe(1);
  });
});
