/**
 * The SSRF table end to end: every URL that points inside is refused, by enqueue when the URL
 * itself gives it away, by the worker when only DNS or a redirect does, and also by the worker
 * when a job skips enqueue (added from a dashboard). The "internal service" on 127.0.0.1 must not
 * see a single connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngestWorker, type RunningWorker } from '../../jobs/worker.js';
import { startLocalServer, type LocalServer } from '../helpers/local-server.js';
import {
  createTestDatabase, openTestQueue, PUBLIC_STAND_IN, silentLogger, testSettings, type TestDatabase, type TestQueue,
} from '../helpers/worker-harness.js';

let internal: LocalServer;
let site: LocalServer;
let db: TestDatabase;
let q: TestQueue;
let running: RunningWorker;

beforeAll(async () => {
  internal = await startLocalServer({
    host: '127.0.0.1',
    routes: { '/': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>internal secret</p>') },
  });
  site = await startLocalServer({ host: PUBLIC_STAND_IN });
  site.route('/to-internal', (_req, res) => res.writeHead(302, { location: internal.url('/') }).end());
  site.route('/to-localhost', (_req, res) => res.writeHead(301, { location: `http://localhost:${internal.port}/` }).end());
  site.route('/to-file', (_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end());
  db = await createTestDatabase('sqlite');
  const settings = testSettings({ databaseUrl: db.url });
  q = await openTestQueue(settings);
  running = await startIngestWorker(settings, silentLogger);
});

afterAll(async () => {
  await running.stop(2_000);
  await q.cleanup();
  await db.cleanup();
  await site.close();
  await internal.close();
});

type Stage = 'enqueue' | 'worker';
const table: Array<[name: string, url: () => string, stage: Stage, reason: string]> = [
  ['loopback literal', () => `http://127.0.0.1:${internal.port}/`, 'enqueue', 'blocked_address'],
  ['decimal integer host', () => `http://2130706433:${internal.port}/`, 'enqueue', 'blocked_address'],
  ['hex shorthand host', () => `http://0x7f.1:${internal.port}/`, 'enqueue', 'blocked_address'],
  ['IPv6 loopback', () => `http://[::1]:${internal.port}/`, 'enqueue', 'blocked_address'],
  ['IPv4-mapped IPv6', () => `http://[::ffff:127.0.0.1]:${internal.port}/`, 'enqueue', 'blocked_address'],
  ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/', 'enqueue', 'blocked_address'],
  ['a name resolving to loopback (localhost)', () => `http://localhost:${internal.port}/`, 'worker', 'blocked_address'],
  ['allowlisted page redirecting to 127.0.0.1', () => site.url('/to-internal'), 'worker', 'blocked_address'],
  ['allowlisted page redirecting to localhost', () => site.url('/to-localhost'), 'worker', 'blocked_address'],
  ['allowlisted page redirecting to file:', () => site.url('/to-file'), 'worker', 'bad_scheme'],
  ['file: scheme', () => 'file:///etc/passwd', 'enqueue', 'bad_scheme'],
  ['gopher: scheme', () => `gopher://127.0.0.1:${internal.port}/_GET%20/`, 'enqueue', 'bad_scheme'],
];

describe('SSRF through enqueue and the worker', () => {
  it.each(table)('%s: refused by %s (%s)', async (_name, url, stage, reason) => {
    const [outcome] = await q.enqueue([url()]);
    if (stage === 'enqueue') {
      expect(outcome).toMatchObject({ accepted: false, reason });
      return;
    }
    if (!outcome?.accepted) throw new Error(`expected the worker to refuse it, but enqueue did: ${JSON.stringify(outcome)}`);
    const finished = await q.waitForJob(outcome.jobId);
    expect(finished.state).toBe('failed');
    expect(finished.failedReason).toMatch(new RegExp(`^${reason}: `));
    const attempts = await running.store.listAttempts(outcome.normalizedUrl);
    expect(attempts.map((a) => [a.status, a.reason])).toEqual([['failed', reason]]);
  });

  it.each(table)('%s: refused by the worker when added straight to the queue', async (name, url) => {
    // As a dashboard or a script could: no normalization, no check before the worker's own.
    const jobId = `direct-${table.findIndex(([n]) => n === name)}`;
    await q.queue.add('ingest', { url: url(), origin: 'dashboard', enqueuedAt: new Date().toISOString() }, { jobId });
    const finished = await q.waitForJob(jobId);
    expect(finished.state).toBe('failed');
    expect(finished.failedReason).toMatch(/^(blocked_address|bad_scheme|bad_url): /);
  });

  it('stored nothing, and the internal listener saw no connection at all', async () => {
    expect(await running.store.countArticles()).toBe(0);
    expect(internal.connections).toBe(0);
    expect(internal.requests).toHaveLength(0);
  });
});
