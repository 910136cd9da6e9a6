import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { startLocalServer, type LocalServer } from '../helpers/local-server.js';
import { rss } from './fixtures.js';
import { deleteKeys, REDIS_URL, testPrefix } from './harness.js';

const prefix = testPrefix();
const dir = mkdtempSync(join(tmpdir(), 'newsworker-sources-cli-'));
let server: LocalServer;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  server = await startLocalServer({ host: '127.0.0.2' });
  server.route('/', (_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><link rel="alternate" type="application/rss+xml" title="Top stories" href="/rss/top.xml"></head><body>hi</body></html>'),
  );
  server.route('/rss/top.xml', (_req, res) =>
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss([{ url: server.url('/a/1'), title: 'One', date: '2026-11-28T01:00:00Z' }, { url: server.url('/a/2'), title: 'Two', date: '2026-11-28T02:00:00Z' }])),
  );
  const file = join(dir, 'sources.yaml');
  writeFileSync(file, `sources:\n  - id: top\n    url: ${server.url('/rss/top.xml')}\n    schedule: { every: 30m }\n  - id: off\n    url: ${server.url('/off.xml')}\n    enabled: false\n`);
  env = {
    REDIS_URL,
    NEWSWORKER_QUEUE_PREFIX: prefix,
    NEWSWORKER_SOURCES: file,
    NEWSWORKER_ALLOW_CIDRS: '127.0.0.2/32',
    NEWSWORKER_HOST_GAP_MS: '0',
    DATABASE_URL: join(dir, 'news.db'),
    LOG_LEVEL: 'silent',
  };
});

afterAll(async () => {
  await server.close();
  const redis = new Redis(REDIS_URL);
  await deleteKeys(redis, prefix);
  await redis.quit();
  rmSync(dir, { recursive: true, force: true });
});

describe('newsworker sources', () => {
  it('run polls one source now and prints what it queued; list shows its last poll and next run', async () => {
    const run = await runCli(['sources', 'run', 'top'], { env });
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout.split('\n').filter(Boolean)).toEqual(['top: ok: 1 document(s), 2 listed, 2 new, 2 queued', server.url('/a/2'), server.url('/a/1')]);

    await runCli(['schedule', 'sync'], { env });
    const list = await runCli(['sources', 'list'], { env });
    expect(list.code).toBe(0);
    const rows = list.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split('\t'));
    expect(rows.map((r) => [r[0], r[1], r[2], r[4], r[5]])).toEqual([
      ['id', 'kind', 'schedule', 'last outcome', 'items found'],
      ['top', 'auto', 'every 30m', 'ok', '2'],
      ['off', 'auto', 'every 15m', '-', '0'],
    ]);
    expect(rows[1]![6]).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(rows[2]![6]).toBe('disabled');
  });

  it('run names an unknown source', async () => {
    const run = await runCli(['sources', 'run', 'nope'], { env });
    expect([run.code, run.stderr.trim()]).toEqual([2, `newsworker: no source "nope" in ${env['NEWSWORKER_SOURCES']}`]);
  });

  it('discover lists the feeds a homepage links and prints a ready entry', async () => {
    const run = await runCli(['sources', 'discover', server.url('/')], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`# feed via link: ${server.url('/rss/top.xml')} "Top stories" (2 items now)`);
    expect(run.stdout).toContain(`url: ${server.url('/rss/top.xml')}`);
    expect(run.stdout).toContain('kind: feed');
  });
});
