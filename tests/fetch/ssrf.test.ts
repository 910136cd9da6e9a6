import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFetcher, FetchError, systemResolver, type Fetcher, type Resolver } from '../../src/fetch/index.js';
import { startLocalServer, type LocalServer } from '../helpers/local-server.js';

// The "internal service" an attacker wants to reach: it must never see a connection.
let internal: LocalServer;
// Allowlisted 127.0.0.2 plays the public internet.
let site: LocalServer;
let fetcher: Fetcher;

// Test names resolve to chosen addresses; everything else goes to the system resolver.
const names: Record<string, string[]> = {
  'news.test': ['127.0.0.2'],
  'rebind.test': ['127.0.0.1'],
  'mixed.test': ['127.0.0.2', '127.0.0.1'],
  'mapped.test': ['::ffff:127.0.0.1'],
  'metadata.test': ['169.254.169.254'],
};
const resolve: Resolver = async (hostname) => {
  const fixed = names[hostname];
  return fixed === undefined ? systemResolver(hostname) : fixed.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

beforeAll(async () => {
  internal = await startLocalServer({ host: '127.0.0.1', routes: { '/': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('secret') } });
  site = await startLocalServer({
    host: '127.0.0.2',
    routes: {
      '/page': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>public</p>'),
      '/to-internal': (_req, res) => res.writeHead(302, { location: internal.url('/') }).end(),
      '/to-decimal': (_req, res) => res.writeHead(301, { location: `http://2130706433:${internal.port}/` }).end(),
      '/to-localhost': (_req, res) => res.writeHead(307, { location: `http://localhost:${internal.port}/` }).end(),
      '/to-file': (_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end(),
    },
  });
  fetcher = createFetcher({ allowCidrs: ['127.0.0.2/32'], headersTimeoutMs: 2_000, totalTimeoutMs: 5_000 }, { resolve });
});

afterAll(async () => {
  await fetcher.close();
  await site.close();
  await internal.close();
});

afterEach(() => {
  delete process.env['HTTP_PROXY'];
  delete process.env['http_proxy'];
  delete process.env['HTTPS_PROXY'];
  delete process.env['NO_PROXY'];
});

async function reasonFor(url: string, f: Fetcher = fetcher): Promise<string> {
  try {
    await f.fetchPage(url);
    return 'fetched';
  } catch (err) {
    if (err instanceof FetchError) return err.reason;
    throw err;
  }
}

describe('SSRF: refused before any connection to the internal listener', () => {
  const table: Array<[describe: string, url: () => string, reason: string]> = [
    ['loopback literal', () => `http://127.0.0.1:${internal.port}/`, 'blocked_address'],
    ['decimal integer host', () => `http://2130706433:${internal.port}/`, 'blocked_address'],
    ['hex shorthand host', () => `http://0x7f.1:${internal.port}/`, 'blocked_address'],
    ['IPv6 loopback', () => `http://[::1]:${internal.port}/`, 'blocked_address'],
    ['IPv4-mapped IPv6 literal', () => `http://[::ffff:127.0.0.1]:${internal.port}/`, 'blocked_address'],
    ['cloud metadata literal', () => 'http://169.254.169.254/latest/meta-data/', 'blocked_address'],
    ['localhost via system DNS', () => `http://localhost:${internal.port}/`, 'blocked_address'],
    ['name resolving to loopback', () => `http://rebind.test:${internal.port}/`, 'blocked_address'],
    ['name with one public and one private answer', () => `http://mixed.test:${internal.port}/`, 'blocked_address'],
    ['name resolving to IPv4-mapped loopback', () => `http://mapped.test:${internal.port}/`, 'blocked_address'],
    ['name resolving to metadata address', () => `http://metadata.test:${internal.port}/`, 'blocked_address'],
    ['allowlisted site redirecting to 127.0.0.1', () => site.url('/to-internal'), 'blocked_address'],
    ['allowlisted site redirecting to decimal host', () => site.url('/to-decimal'), 'blocked_address'],
    ['allowlisted site redirecting to localhost', () => site.url('/to-localhost'), 'blocked_address'],
    ['allowlisted site redirecting to file:', () => site.url('/to-file'), 'bad_scheme'],
    ['file scheme', () => 'file:///etc/passwd', 'bad_scheme'],
    ['gopher scheme', () => `gopher://127.0.0.1:${internal.port}/_GET%20/`, 'bad_scheme'],
    ['credentials in URL', () => `http://user:pw@127.0.0.2:${site.port}/page`, 'credentials_in_url'],
  ];

  it.each(table)('%s → %s', async (_name, url, reason) => {
    expect(await reasonFor(url())).toBe(reason);
  });

  it('the internal listener recorded no connection at all', () => {
    expect(internal.connections).toBe(0);
    expect(internal.requests).toHaveLength(0);
  });
});

describe('SSRF: what is allowed', () => {
  it('fetches an allowlisted address, by literal and by name', async () => {
    expect(await reasonFor(site.url('/page'))).toBe('fetched');
    const page = await fetcher.fetchPage(`http://news.test:${site.port}/page`);
    expect(page.body.toString()).toBe('<p>public</p>');
    // First contact with this name: the connect-time lookup ran and was timed.
    expect(page.timings.dnsMs).toBeGreaterThanOrEqual(0);
  });

  it('refuses the same address when it is not allowlisted', async () => {
    const strict = createFetcher({}, { resolve });
    try {
      expect(await reasonFor(site.url('/page'), strict)).toBe('blocked_address');
      expect(await reasonFor(`http://news.test:${site.port}/page`, strict)).toBe('blocked_address');
    } finally {
      await strict.close();
    }
  });

  it('ignores proxy environment variables', async () => {
    const connectionsBefore = internal.connections;
    process.env['HTTP_PROXY'] = internal.origin;
    process.env['http_proxy'] = internal.origin;
    process.env['HTTPS_PROXY'] = internal.origin;
    const viaEnv = createFetcher({ allowCidrs: ['127.0.0.2/32'] });
    try {
      const page = await viaEnv.fetchPage(site.url('/page'));
      expect(page.body.toString()).toBe('<p>public</p>');
    } finally {
      await viaEnv.close();
    }
    expect(internal.connections).toBe(connectionsBefore);
  });
});
