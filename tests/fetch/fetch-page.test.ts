import { setTimeout as sleep } from 'node:timers/promises';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetcher, FetchError, type Fetcher } from '../../src/fetch/index.js';
import { startLocalServer, type LocalServer } from '../helpers/local-server.js';

// 127.0.0.2 is allowlisted and stands in for the public internet.
const ALLOW = ['127.0.0.2/32'];
const HTML = '<!doctype html><html><head><title>t</title></head><body><p>Hello</p></body></html>';

async function failure(promise: Promise<unknown>): Promise<FetchError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof FetchError) return err;
    throw err;
  }
  throw new Error('expected the fetch to fail');
}

let site: LocalServer;
let fetcher: Fetcher;

beforeAll(async () => {
  site = await startLocalServer({ host: '127.0.0.2' });
  fetcher = createFetcher({
    allowCidrs: ALLOW,
    userAgent: 'newsworker-test/1.0',
    headersTimeoutMs: 300,
    bodyTimeoutMs: 300,
    totalTimeoutMs: 2_000,
    maxBytes: 1024 * 1024,
  });
});

afterAll(async () => {
  await fetcher.close();
  await site.close();
});

describe('fetchPage: success and validators', () => {
  it('returns an HTML page with headers, validators and timings', async () => {
    site.route('/ok', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', etag: '"v1"', 'last-modified': 'Wed, 21 Oct 2026 07:28:00 GMT', 'X-Custom': 'Yes' });
      res.end(HTML);
    });
    const page = await fetcher.fetchPage(site.url('/ok'));
    expect(page).toMatchObject({
      url: site.url('/ok'),
      status: 200,
      contentType: 'text/html',
      etag: '"v1"',
      lastModified: 'Wed, 21 Oct 2026 07:28:00 GMT',
      notModified: false,
      redirects: [],
    });
    expect(page.body.toString('utf8')).toBe(HTML);
    expect(page.headers['x-custom']).toBe('Yes');
    expect(page.timings.headersMs).toBeGreaterThan(0);
    expect(page.timings.totalMs).toBeGreaterThanOrEqual(page.timings.headersMs);
    const sent = site.requests.find((r) => r.path === '/ok')!;
    expect(sent.headers['user-agent']).toBe('newsworker-test/1.0');
    expect(sent.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('sends validators and reports 304 as notModified', async () => {
    site.route('/cond', (req, res) => {
      if (req.headers['if-none-match'] === '"v2"' && req.headers['if-modified-since'] === 'Thu, 22 Oct 2026 07:28:00 GMT') {
        res.writeHead(304, { etag: '"v2"' }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html', etag: '"v2"' }).end(HTML);
    });
    const fresh = await fetcher.fetchPage(site.url('/cond'));
    expect(fresh.notModified).toBe(false);
    const again = await fetcher.fetchPage(site.url('/cond'), { etag: fresh.etag, lastModified: 'Thu, 22 Oct 2026 07:28:00 GMT' });
    expect(again).toMatchObject({ status: 304, notModified: true, etag: '"v2"' });
    expect(again.body.length).toBe(0);
  });

  const encodings: Array<[string, (b: Buffer) => Buffer]> = [
    ['gzip', (b) => zlib.gzipSync(b)],
    ['deflate', (b) => zlib.deflateSync(b)],
    ['br', (b) => zlib.brotliCompressSync(b)],
  ];
  it.each(encodings)('decodes Content-Encoding %s', async (coding, encode) => {
    site.route(`/enc-${coding}`, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': coding }).end(encode(Buffer.from(HTML)));
    });
    const page = await fetcher.fetchPage(site.url(`/enc-${coding}`));
    expect(page.body.toString('utf8')).toBe(HTML);
  });
});

describe('fetchPage: status, type and size errors', () => {
  const cases: Array<[path: string, status: number, headers: Record<string, string>, reason: string, retryable: boolean, retryAfterMs?: number]> = [
    ['/e404', 404, {}, 'http_4xx', false],
    ['/e410', 410, {}, 'http_4xx', false],
    ['/e503', 503, { 'retry-after': '120' }, 'http_5xx', true, 120_000],
    ['/e500', 500, {}, 'http_5xx', true],
    ['/e429', 429, { 'retry-after': '7' }, 'http_429', true, 7_000],
    ['/e408', 408, {}, 'http_408', true],
  ];
  it.each(cases)('%s → HTTP %i → %s', async (path, status, headers, reason, retryable, retryAfterMs) => {
    site.route(path, (_req, res) => {
      res.writeHead(status, { 'content-type': 'text/html', ...headers }).end('<p>error page</p>');
    });
    const err = await failure(fetcher.fetchPage(site.url(path)));
    expect(err).toMatchObject({ reason, retryable, status });
    expect(err.retryAfterMs).toBe(retryAfterMs);
  });

  it('reads Retry-After given as an HTTP-date', async () => {
    site.route('/e429-date', (_req, res) => {
      res.writeHead(429, { 'retry-after': new Date(Date.now() + 60_000).toUTCString() }).end();
    });
    const err = await failure(fetcher.fetchPage(site.url('/e429-date')));
    expect(err.reason).toBe('http_429');
    expect(err.retryAfterMs).toBeGreaterThan(55_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  const types: Array<[contentType: string | undefined, accepted: boolean]> = [
    ['text/html; charset=utf-8', true],
    ['application/xhtml+xml', true],
    ['text/plain', true],
    ['application/pdf', false],
    ['image/png', false],
    ['application/rss+xml', false],
    [undefined, false],
  ];
  it.each(types)('Content-Type %s accepted=%s', async (contentType, accepted) => {
    const path = `/type-${encodeURIComponent(contentType ?? 'none')}`;
    site.route(path, (_req, res) => {
      res.writeHead(200, contentType === undefined ? {} : { 'content-type': contentType }).end('data');
    });
    const outcome = await fetcher.fetchPage(site.url(path)).then(
      () => 'ok',
      (err: FetchError) => err.reason,
    );
    expect(outcome).toBe(accepted ? 'ok' : 'not_html');
  });

  it('lets the caller widen the accepted types (feeds)', async () => {
    site.route('/feed', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<rss/>'));
    const page = await fetcher.fetchPage(site.url('/feed'), { acceptTypes: ['application/rss+xml', 'application/xml'] });
    expect(page.contentType).toBe('application/rss+xml');
  });

  it('refuses a body over the cap (declared and undeclared length)', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1, 0x61);
    site.route('/big-declared', (_req, res) => res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(big.length) }).end(big));
    site.route('/big-chunked', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write(big.subarray(0, 600_000));
      res.end(big.subarray(600_000));
    });
    expect((await failure(fetcher.fetchPage(site.url('/big-declared')))).reason).toBe('too_large');
    expect((await failure(fetcher.fetchPage(site.url('/big-chunked')))).reason).toBe('too_large');
    const exact = await fetcher.fetchPage(site.url('/big-chunked'), { maxBytes: big.length });
    expect(exact.body.length).toBe(big.length);
  });

  it('stops a 1 GiB gzip bomb at the decoded cap, quickly and in bounded memory', async () => {
    // Concatenated gzip members decode as one stream: 64 × 16 MiB of zeros = 1 GiB from ~1 MB.
    const member = zlib.gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 64 }, () => member));
    let bytesSent = 0;
    site.route('/bomb', async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
      for (let offset = 0; offset < bomb.length && !res.destroyed; offset += 16 * 1024) {
        const chunk = bomb.subarray(offset, offset + 16 * 1024);
        bytesSent += chunk.length;
        if (!res.write(chunk)) await new Promise((r) => res.once('drain', r).once('close', r));
      }
      res.end();
    });
    const before = process.memoryUsage();
    const started = performance.now();
    const err = await failure(fetcher.fetchPage(site.url('/bomb')));
    const elapsed = performance.now() - started;
    const after = process.memoryUsage();
    expect(err.reason).toBe('too_large');
    expect(elapsed).toBeLessThan(1_500);
    expect(after.rss - before.rss).toBeLessThan(64 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    console.info(`gzip bomb: ${bomb.length} B on the wire for 1 GiB, refused in ${elapsed.toFixed(0)} ms, rss +${((after.rss - before.rss) / 1048576).toFixed(1)} MiB, server had written ${bytesSent} B`);
  });

  const smallBombs: Array<[string, (b: Buffer) => Buffer]> = [
    ['gzip', (b) => zlib.gzipSync(b)],
    ['deflate', (b) => zlib.deflateSync(b)],
    ['br', (b) => zlib.brotliCompressSync(b)],
  ];
  it.each(smallBombs)('caps decoded bytes for %s too', async (coding, encode) => {
    const packed = encode(Buffer.alloc(4 * 1024 * 1024));
    site.route(`/bomb-${coding}`, (_req, res) => res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': coding }).end(packed));
    expect(packed.length).toBeLessThan(64 * 1024);
    expect((await failure(fetcher.fetchPage(site.url(`/bomb-${coding}`)))).reason).toBe('too_large');
  });

  it('refuses a corrupt compressed body', async () => {
    site.route('/corrupt', (_req, res) => res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }).end(Buffer.from('this is not gzip at all')));
    expect((await failure(fetcher.fetchPage(site.url('/corrupt')))).reason).toBe('bad_encoding');
  });

  it('refuses an unknown Content-Encoding', async () => {
    site.route('/zstd', (_req, res) => res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'zstd' }).end('xx'));
    expect((await failure(fetcher.fetchPage(site.url('/zstd')))).reason).toBe('bad_encoding');
  });
});

describe('fetchPage: redirects', () => {
  it('follows up to 5 redirects and reports each hop', async () => {
    for (let i = 1; i <= 5; i += 1) {
      site.route(`/chain5/${i}`, (_req, res) => res.writeHead(i % 2 === 0 ? 301 : 307, { location: i === 5 ? '/ok' : `/chain5/${i + 1}` }).end());
    }
    const page = await fetcher.fetchPage(site.url('/chain5/1'));
    expect(page.url).toBe(site.url('/ok'));
    expect(page.redirects).toEqual([2, 3, 4, 5].map((i) => site.url(`/chain5/${i}`)).concat(site.url('/ok')));
  });

  it('refuses the 6th redirect', async () => {
    for (let i = 1; i <= 6; i += 1) {
      site.route(`/chain6/${i}`, (_req, res) => res.writeHead(302, { location: i === 6 ? '/ok' : `/chain6/${i + 1}` }).end());
    }
    expect((await failure(fetcher.fetchPage(site.url('/chain6/1')))).reason).toBe('too_many_redirects');
  });

  it('detects a redirect loop', async () => {
    site.route('/loop-a', (_req, res) => res.writeHead(302, { location: '/loop-b' }).end());
    site.route('/loop-b', (_req, res) => res.writeHead(302, { location: `${site.origin}/loop-a` }).end());
    expect((await failure(fetcher.fetchPage(site.url('/loop-a')))).reason).toBe('redirect_loop');
  });

  it('refuses a redirect without Location', async () => {
    site.route('/no-location', (_req, res) => res.writeHead(302).end());
    expect((await failure(fetcher.fetchPage(site.url('/no-location')))).reason).toBe('bad_redirect');
  });
});

describe('fetchPage: network failures', () => {
  it('reports a refused connection as retryable', async () => {
    const closed = await startLocalServer({ host: '127.0.0.2' });
    const url = closed.url('/gone');
    await closed.close();
    // With robots on, robots.txt is the first thing refused; the cause names the real failure.
    const viaRobots = await failure(fetcher.fetchPage(url));
    expect(viaRobots).toMatchObject({ reason: 'robots_unavailable', retryable: true, cause: { reason: 'connection_refused' } });
    expect(viaRobots.message).toContain('connection_refused');
    const direct = createFetcher({ allowCidrs: ALLOW, robots: { enabled: false } });
    try {
      expect(await failure(direct.fetchPage(url))).toMatchObject({ reason: 'connection_refused', retryable: true });
    } finally {
      await direct.close();
    }
  });

  const dnsErrors: Array<[code: string, reason: string, retryable: boolean]> = [
    ['ENOTFOUND', 'dns_not_found', false],
    ['EAI_AGAIN', 'dns_failure', true],
  ];
  it.each(dnsErrors)('maps resolver error %s to %s', async (code, reason, retryable) => {
    const failing = createFetcher(
      { allowCidrs: ALLOW, robots: { enabled: false } },
      { resolve: async (hostname) => Promise.reject(Object.assign(new Error(`getaddrinfo ${code} ${hostname}`), { code })) },
    );
    try {
      expect(await failure(failing.fetchPage('http://news.test/a'))).toMatchObject({ reason, retryable });
    } finally {
      await failing.close();
    }
  });

  it('reports a connection dropped mid-response as retryable', async () => {
    site.route('/drop', (req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': '1000' });
      res.write('<p>partial');
      setTimeout(() => req.socket.destroy(), 20);
    });
    expect(await failure(fetcher.fetchPage(site.url('/drop')))).toMatchObject({ reason: 'connection_reset', retryable: true });
  });
});

describe('fetchPage: timeouts and abort', () => {
  // undici ticks its headers and body timers every ~0.5 s, so a 300 ms timeout fires within ~1.3 s;
  // the server stalls for 3 s so the timeout, not the server, ends each case.
  it('times out waiting for headers', async () => {
    site.route('/slow-headers', async (_req, res) => {
      await sleep(3_000);
      if (!res.destroyed) res.writeHead(200, { 'content-type': 'text/html' }).end(HTML);
    });
    const started = performance.now();
    const err = await failure(fetcher.fetchPage(site.url('/slow-headers')));
    expect(err).toMatchObject({ reason: 'timeout_headers', retryable: true });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('times out when the body stalls between chunks', async () => {
    site.route('/slow-body', async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<html><body>');
      await sleep(3_000);
      if (!res.destroyed) res.end('</body></html>');
    });
    const started = performance.now();
    expect((await failure(fetcher.fetchPage(site.url('/slow-body')))).reason).toBe('timeout_body');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('times out when a compressed body stalls', async () => {
    const packed = zlib.gzipSync(Buffer.from(HTML.repeat(100)));
    site.route('/slow-gzip', async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
      res.write(packed.subarray(0, 20));
      await sleep(3_000);
      if (!res.destroyed) res.end(packed.subarray(20));
    });
    expect((await failure(fetcher.fetchPage(site.url('/slow-gzip')))).reason).toBe('timeout_body');
  });

  it('enforces the total deadline against a steady drip', async () => {
    site.route('/drip', async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      while (!res.destroyed) {
        res.write('<p>drip</p>');
        await sleep(100);
      }
    });
    const started = performance.now();
    const err = await failure(fetcher.fetchPage(site.url('/drip')));
    expect(err.reason).toBe('timeout_total');
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('stops when the caller aborts', async () => {
    site.route('/hang', async (_req, res) => {
      await sleep(3_000);
      if (!res.destroyed) res.writeHead(200, { 'content-type': 'text/html' }).end(HTML);
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const err = await failure(fetcher.fetchPage(site.url('/hang'), { signal: controller.signal }));
    expect(err).toMatchObject({ reason: 'aborted', retryable: true });
  });
});
