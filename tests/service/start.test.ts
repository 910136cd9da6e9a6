/**
 * The README's service command, for real: `newsworker start` with no REDIS_URL starts its own
 * Redis (AOF on, noeviction, data under --data), ingests an enqueued URL into the default SQLite
 * store, and stops cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
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
let server: Server;
let pageUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/robots.txt') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.2', r));
  pageUrl = `http://127.0.0.2:${(server.address() as AddressInfo).port}/news/tillerson`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function until<T>(probe: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('newsworker start', () => {
  it('runs with its own Redis and SQLite, ingests, and stops on SIGTERM', { timeout: 60_000 }, async () => {
    const data = mkdtempSync(join(tmpdir(), 'nw-start-'));
    const env = {
      ...process.env,
      REDIS_URL: '',
      DATABASE_URL: `sqlite:${join(data, 'articles.db')}`,
      NEWSWORKER_ALLOW_CIDRS: '127.0.0.2/32',
      NEWSWORKER_HOST_GAP_MS: '0',
      NEWSWORKER_QUEUE_PREFIX: `{nwstart-${process.pid}}`,
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
    } finally {
      await store.close();
    }

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(data, 'redis'))).toBe(true);
    expect(readdirSync(join(data, 'redis')).some((f) => f.startsWith('appendonly'))).toBe(true);
  });
});
