/**
 * The README's service command, for real: `newsworker start` with no REDIS_URL starts its own
 * Redis (AOF on, noeviction, data under --data), schedules its sources and ingests what their
 * feed lists, ingests an enqueued URL, serves the API and the dashboard, stores into SQLite, and
 * stops cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { openStore } from '../../src/store/index.js';
import { PROJECT_ROOT, runCli } from '../helpers/run-cli.js';
import { LOCAL_REDIS_PORT } from '../../src/service/local-redis.js';

const PAGE = readFileSync(join(PROJECT_ROOT, 'tests/fixtures/pages/koreaherald-tillerson/source.html'));
/** The same story syndicated on a portal, under its own canonical URL. */
const COPY = readFileSync(join(PROJECT_ROOT, 'tests/fixtures/pages/daum-koreaherald-tillerson/source.html'));
let server: Server;
let pageUrl: string;
let feedPageUrl: string;
let feedUrl: string;

beforeAll(async () => {
  // A local Redis left by an earlier run that was killed outright would be reused, with its own
  // data directory; this test is about starting one. Port 6479 is newsworker's own.
  const stale = new Redis(`redis://127.0.0.1:${LOCAL_REDIS_PORT}`, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  stale.on('error', () => {});
  try {
    await stale.connect();
    await stale.call('SHUTDOWN', 'NOSAVE').catch(() => {});
  } catch {
    // nothing listening: the usual case
  }
  stale.disconnect();
  server = createServer((req, res) => {
    if (req.url === '/robots.txt') return void res.writeHead(404).end();
    if (req.url === '/feed.xml') {
      const item = `<item><title>Tillerson renews offer</title><link>${feedPageUrl}</link><pubDate>Wed, 23 Aug 2017 00:46:00 GMT</pubDate></item>`;
      return void res
        .writeHead(200, { 'content-type': 'application/rss+xml' })
        .end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Test feed</title><link>${feedUrl}</link>${item}</channel></rss>`);
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(req.url === '/news/from-the-feed' ? COPY : PAGE);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.2', r));
  const origin = `http://127.0.0.2:${(server.address() as AddressInfo).port}`;
  pageUrl = `${origin}/news/tillerson`;
  feedPageUrl = `${origin}/news/from-the-feed`;
  feedUrl = `${origin}/feed.xml`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function until<T>(probe: () => Promise<T | null>, timeoutMs: number, context: () => string = () => ''): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting\n${context()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('newsworker start', () => {
  it('runs with its own Redis and SQLite, ingests, and stops on SIGTERM', { timeout: 60_000 }, async () => {
    const data = mkdtempSync(join(tmpdir(), 'nw-start-'));
    const sources = join(data, 'sources.yaml');
    writeFileSync(sources, `sources:\n  - id: local-feed\n    url: ${feedUrl}\n    kind: feed\n    schedule: { every: 1m }\n`);
    const env = {
      ...process.env,
      REDIS_URL: '',
      DATABASE_URL: `sqlite:${join(data, 'articles.db')}`,
      NEWSWORKER_ALLOW_CIDRS: '127.0.0.2/32',
      NEWSWORKER_HOST_GAP_MS: '0',
      NEWSWORKER_QUEUE_PREFIX: `{nwstart-${process.pid}}`,
      NEWSWORKER_SOURCES: sources,
      PORT: '0',
      HOST: '127.0.0.1',
      NEWSWORKER_API_TOKEN: '',
      NEWSWORKER_ADMIN_USER: '',
      NEWSWORKER_ADMIN_PASSWORD: '',
    };
    const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'src/cli/run.ts'), 'start', '--data', data], { env, cwd: PROJECT_ROOT });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));

    await until(async () => (log.includes('newsworker is running') ? true : null), 30_000);
    const redis = new Redis(`redis://127.0.0.1:${LOCAL_REDIS_PORT}`);
    const config = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const aof = (await redis.config('GET', 'appendonly')) as string[];
    await redis.quit();
    expect(config[1]).toBe('noeviction');
    expect(aof[1]).toBe('yes');

    const enqueue = await runCli(['enqueue', pageUrl], { env: { ...env, REDIS_URL: `redis://127.0.0.1:${LOCAL_REDIS_PORT}` } });
    expect(enqueue.code).toBe(0);

    const store = await openStore(env.DATABASE_URL);
    try {
      const article = await until(() => store.getArticleByUrl(pageUrl), 20_000);
      expect(article.title).toBe('Tillerson renews offer to talk with N. Korea');
      // Nobody enqueued this one: the scheduler polled the feed and queued what it lists. It is the
      // same story syndicated elsewhere, so whichever came second points at the first.
      const fromFeed = await until(() => store.getArticleByUrl(feedPageUrl), 30_000, () => log);
      expect(fromFeed.text).toBe(article.text);
      const all = (await store.listArticles({ limit: 10 })).items.map((a) => ({ id: a.id, url: a.url, duplicateOf: a.duplicateOf }));
      const pointers = { [fromFeed.id]: fromFeed.duplicateOf, [article.id]: article.duplicateOf };
      const expected = fromFeed.duplicateOf === null ? { [fromFeed.id]: null, [article.id]: fromFeed.id } : { [fromFeed.id]: article.id, [article.id]: null };
      expect(pointers, JSON.stringify(all)).toEqual(expected);
    } finally {
      await store.close();
    }

    const api = /API (http:\/\/127\.0\.0\.1:\d+)\/api/.exec(log)?.[1];
    expect(api, log).toBeDefined();
    expect((await fetch(`${api}/healthz`)).status).toBe(200);
    const listed = (await (await fetch(`${api}/api/articles`)).json()) as { items: { title: string }[] };
    expect(listed.items.map((a) => a.title)).toContain('Tillerson renews offer to talk with N. Korea');
    const dashboard = await fetch(`${api}/admin/queues`);
    expect(dashboard.status).toBe(200);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(data, 'redis'))).toBe(true);
    expect(readdirSync(join(data, 'redis')).some((f) => f.startsWith('appendonly'))).toBe(true);
  });
});
