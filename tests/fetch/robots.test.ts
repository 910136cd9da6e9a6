import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createFetcher, FetchError, type Fetcher, type FetcherConfigInput } from '../../src/fetch/index.js';
import { startLocalServer, type LocalServer, type RouteHandler } from '../helpers/local-server.js';

const ROBOTS = ['User-agent: *', 'Disallow: /', '', 'User-agent: newsworker', 'Disallow: /no-bots', 'Crawl-delay: 3', ''].join('\n');

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function setup(robots: RouteHandler, config: FetcherConfigInput['robots'] = {}): Promise<{ site: LocalServer; fetcher: Fetcher }> {
  const page: RouteHandler = (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>page</p>');
  const site = await startLocalServer({
    host: '127.0.0.2',
    routes: {
      '/robots.txt': robots,
      '/ok': page,
      '/no-bots': page,
      '/private': page,
      '/go-no-bots': (_req, res) => res.writeHead(302, { location: '/no-bots' }).end(),
    },
  });
  const fetcher = createFetcher({ allowCidrs: ['127.0.0.2/32'], userAgent: 'newsworker/0.1 (+test)', headersTimeoutMs: 300, robots: config });
  open.push(site, fetcher);
  return { site, fetcher };
}

function robotsRequests(site: LocalServer): number {
  return site.requests.filter((r) => r.path === '/robots.txt').length;
}

async function outcome(fetcher: Fetcher, url: string): Promise<string> {
  try {
    await fetcher.fetchPage(url);
    return 'fetched';
  } catch (err) {
    if (err instanceof FetchError) return `${err.reason}${err.retryable ? ' (retryable)' : ''}`;
    throw err;
  }
}

describe('robots.txt rules', () => {
  it('applies the group of our token, exposes Crawl-delay and loads the file once', async () => {
    const { site, fetcher } = await setup((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(ROBOTS));
    const table: Array<[path: string, expected: string]> = [
      ['/ok', 'fetched'],
      // "User-agent: *" disallows everything, but our own group replaces it.
      ['/private', 'fetched'],
      ['/no-bots', 'robots_disallowed'],
      ['/no-bots?page=2', 'robots_disallowed'],
      ['/go-no-bots', 'robots_disallowed'],
    ];
    for (const [path, expected] of table) expect([path, await outcome(fetcher, site.url(path))]).toEqual([path, expected]);
    expect(await fetcher.robots.crawlDelayMs(site.url('/ok'))).toBe(3_000);
    expect(robotsRequests(site)).toBe(1);
    expect(site.requests.find((r) => r.path === '/robots.txt')?.headers['user-agent']).toBe('newsworker/0.1 (+test)');
  });

  it('shares one load between concurrent fetches', async () => {
    const { site, fetcher } = await setup(async (_req, res) => {
      await sleep(50);
      res.writeHead(200, { 'content-type': 'text/plain' }).end(ROBOTS);
    });
    const results = await Promise.all(Array.from({ length: 5 }, () => outcome(fetcher, site.url('/ok'))));
    expect(results).toEqual(Array(5).fill('fetched'));
    expect(robotsRequests(site)).toBe(1);
  });

  it('refetches after the TTL', async () => {
    let body = ROBOTS;
    const { site, fetcher } = await setup((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(body), { ttlMs: 200 });
    expect(await outcome(fetcher, site.url('/no-bots'))).toBe('robots_disallowed');
    body = 'User-agent: *\nAllow: /\n';
    expect(await outcome(fetcher, site.url('/no-bots'))).toBe('robots_disallowed');
    await sleep(250);
    expect(await outcome(fetcher, site.url('/no-bots'))).toBe('fetched');
    expect(robotsRequests(site)).toBe(2);
  });
});

describe('robots.txt failures (Google semantics)', () => {
  const table: Array<[name: string, handler: RouteHandler, expected: string]> = [
    ['404 → allow all', (_req, res) => res.writeHead(404).end(), 'fetched'],
    ['403 → allow all', (_req, res) => res.writeHead(403).end(), 'fetched'],
    ['410 → allow all', (_req, res) => res.writeHead(410).end(), 'fetched'],
    ['500 → disallow for a while', (_req, res) => res.writeHead(500).end(), 'robots_unavailable (retryable)'],
    ['503 → disallow for a while', (_req, res) => res.writeHead(503).end(), 'robots_unavailable (retryable)'],
    ['429 → disallow for a while', (_req, res) => res.writeHead(429).end(), 'robots_unavailable (retryable)'],
    [
      'timeout → disallow for a while',
      async (_req, res) => {
        await sleep(3_000);
        if (!res.destroyed) res.writeHead(200).end('');
      },
      'robots_unavailable (retryable)',
    ],
  ];
  it.each(table)('%s', async (_name, handler, expected) => {
    const { site, fetcher } = await setup(handler);
    expect(await outcome(fetcher, site.url('/ok'))).toBe(expected);
  });

  it('retries an unavailable robots.txt after unavailableTtlMs', async () => {
    let status = 503;
    const { site, fetcher } = await setup((_req, res) => res.writeHead(status, { 'content-type': 'text/plain' }).end(ROBOTS), { unavailableTtlMs: 200 });
    expect(await outcome(fetcher, site.url('/ok'))).toBe('robots_unavailable (retryable)');
    status = 200;
    expect(await outcome(fetcher, site.url('/ok'))).toBe('robots_unavailable (retryable)');
    await sleep(250);
    expect(await outcome(fetcher, site.url('/ok'))).toBe('fetched');
    expect(robotsRequests(site)).toBe(2);
  });

  it('can be switched off', async () => {
    const { site, fetcher } = await setup((_req, res) => res.writeHead(500).end(), { enabled: false });
    expect(await outcome(fetcher, site.url('/ok'))).toBe('fetched');
    expect(robotsRequests(site)).toBe(0);
  });
});
