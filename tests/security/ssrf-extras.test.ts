/**
 * Issue 6, item 10, beyond the basic table of tests/fetch/ssrf.test.ts: DNS rebinding (a resolver
 * that answers public, then private), mixed public/private A and AAAA answers, redirects that
 * change scheme, and every proxy variable of the environment pointing at a loopback listener. In
 * each case the fetch is refused (or the proxy ignored) and the listener on 127.0.0.1 that plays
 * the internal service sees no connection at all.
 *
 * As in the fetch tests, 127.0.0.2 (allowlisted) stands in for the public internet.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFetcher, FetchError, type Fetcher, type ResolvedAddress, type Resolver } from '../../src/fetch/index.js';
import { startLocalServer, type LocalServer } from '../helpers/local-server.js';

/** A bare TCP listener that only counts connections: the internal service, or a proxy. */
interface Listener {
  port: number;
  readonly connections: number;
  close(): Promise<void>;
}

async function listen(host: string, port = 0): Promise<Listener> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.end('HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 6\r\n\r\nsecret');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : port,
    get connections() {
      return connections;
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let site: LocalServer;
/** The internal service, on 127.0.0.1 and on the same port as the public stand-in: what rebinding aims at. */
let internal: Listener;

beforeAll(async () => {
  site = await startLocalServer({
    host: '127.0.0.2',
    routes: {
      // Connection: close makes every request open a new connection, so every request looks up again.
      '/page': (_req, res) => res.writeHead(200, { 'content-type': 'text/html', connection: 'close' }).end('<p>public</p>'),
      '/hop': (_req, res) => res.writeHead(302, { location: '/page', connection: 'close' }).end(),
    },
  });
  internal = await listen('127.0.0.1', site.port);
});

afterAll(async () => {
  await site.close();
  await internal.close();
});

function answers(...addresses: string[]): ResolvedAddress[] {
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
}

/** A fetcher with robots.txt off, so each page fetch makes exactly the lookups the test counts. */
function fetcherWith(resolve: Resolver): Fetcher {
  return createFetcher(
    { allowCidrs: ['127.0.0.2/32'], headersTimeoutMs: 2_000, totalTimeoutMs: 5_000, robots: { enabled: false } },
    { resolve },
  );
}

async function reasonFor(fetcher: Fetcher, url: string): Promise<string> {
  try {
    await fetcher.fetchPage(url);
    return 'fetched';
  } catch (err) {
    if (err instanceof FetchError) return err.reason;
    throw err;
  }
}

describe('DNS rebinding: public on the first lookup, private on the next', () => {
  function rebinding(): { resolve: Resolver; lookups: () => number } {
    let lookups = 0;
    const resolve: Resolver = async () => (++lookups === 1 ? answers('127.0.0.2') : answers('127.0.0.1'));
    return { resolve, lookups: () => lookups };
  }

  it('a second fetch of the same name is refused at connect time', async () => {
    const dns = rebinding();
    const fetcher = fetcherWith(dns.resolve);
    try {
      expect(await reasonFor(fetcher, `http://rebind.test:${site.port}/page`)).toBe('fetched');
      expect(await reasonFor(fetcher, `http://rebind.test:${site.port}/page`)).toBe('blocked_address');
    } finally {
      await fetcher.close();
    }
    expect(dns.lookups()).toBeGreaterThanOrEqual(2); // the second connection really looked up again
    expect(internal.connections).toBe(0);
  });

  it('a redirect to the same name, on a new connection, is refused', async () => {
    const dns = rebinding();
    const fetcher = fetcherWith(dns.resolve);
    try {
      expect(await reasonFor(fetcher, `http://rebind.test:${site.port}/hop`)).toBe('blocked_address');
    } finally {
      await fetcher.close();
    }
    expect(dns.lookups()).toBe(2);
    expect(internal.connections).toBe(0);
  });

  it('a resolver that alternates never gets a request through to 127.0.0.1', async () => {
    let lookups = 0;
    const fetcher = fetcherWith(async () => (lookups++ % 2 === 0 ? answers('127.0.0.2') : answers('127.0.0.1')));
    const reasons: string[] = [];
    try {
      for (let i = 0; i < 6; i++) reasons.push(await reasonFor(fetcher, `http://flip.test:${site.port}/page`));
    } finally {
      await fetcher.close();
    }
    expect(reasons).toEqual(['fetched', 'blocked_address', 'fetched', 'blocked_address', 'fetched', 'blocked_address']);
    expect(internal.connections).toBe(0);
  });
});

describe('mixed public and private answers, A and AAAA', () => {
  const table: Array<[name: string, addresses: string[]]> = [
    ['public A, loopback AAAA', ['127.0.0.2', '::1']],
    ['loopback AAAA first, public A', ['::1', '127.0.0.2']],
    ['public A, link-local AAAA', ['127.0.0.2', 'fe80::1']],
    ['public A, unique-local AAAA', ['127.0.0.2', 'fd00::1']],
    ['public A, IPv4-mapped private AAAA', ['127.0.0.2', '::ffff:10.0.0.1']],
    ['public A, NAT64 of 127.0.0.1', ['127.0.0.2', '64:ff9b::7f00:1']],
    ['public A, 6to4 of 127.0.0.1', ['127.0.0.2', '2002:7f00:1::1']],
    ['public A, metadata A', ['127.0.0.2', '169.254.169.254']],
    ['public AAAA, loopback A', ['2606:4700:4700::1111', '127.0.0.1']],
    ['public A, unspecified A', ['127.0.0.2', '0.0.0.0']],
  ];

  it.each(table)('%s → blocked_address', async (_name, addresses) => {
    const fetcher = fetcherWith(async () => answers(...addresses));
    try {
      expect(await reasonFor(fetcher, `http://mixed.test:${site.port}/page`)).toBe('blocked_address');
    } finally {
      await fetcher.close();
    }
    expect(internal.connections).toBe(0);
  });
});

describe('redirects that change scheme', () => {
  let fetcher: Fetcher;
  const privateNames: Record<string, string[]> = { 'inside.test': ['127.0.0.1'], 'news.test': ['127.0.0.2'] };
  beforeAll(() => {
    fetcher = fetcherWith(async (host) => answers(...(privateNames[host] ?? ['127.0.0.2'])));
  });
  afterAll(() => fetcher.close());

  const table: Array<[name: string, location: () => string, reason: string]> = [
    ['http → https://127.0.0.1', () => `https://127.0.0.1:${internal.port}/`, 'blocked_address'],
    ['http → https://[::1]', () => `https://[::1]:${internal.port}/`, 'blocked_address'],
    ['http → https name resolving to 127.0.0.1', () => `https://inside.test:${internal.port}/`, 'blocked_address'],
    ['http → https, upper-case scheme', () => `HTTPS://127.0.0.1:${internal.port}/`, 'blocked_address'],
    ['http → protocol-relative //127.0.0.1', () => `//127.0.0.1:${internal.port}/`, 'blocked_address'],
    // Same scheme without slashes is a relative path (WHATWG URL): it stays on the public host, a 404 there.
    ['http → http: without slashes', () => `http:127.0.0.1:${internal.port}/`, 'http_4xx'],
    ['http → scheme split by a tab', () => `ht\ttp://127.0.0.1:${internal.port}/`, 'blocked_address'],
    ['http → file:', () => 'file:///etc/passwd', 'bad_scheme'],
    ['http → ftp:', () => `ftp://127.0.0.1:${internal.port}/`, 'bad_scheme'],
    ['http → ftp: on a public name', () => `ftp://news.test:${site.port}/`, 'bad_scheme'],
    ['http → gopher:', () => `gopher://127.0.0.1:${internal.port}/_GET`, 'bad_scheme'],
    ['http → ws:', () => `ws://127.0.0.1:${internal.port}/`, 'bad_scheme'],
    ['http → data:', () => 'data:text/html,<p>x</p>', 'bad_scheme'],
    ['http → javascript:', () => 'javascript:alert(1)', 'bad_scheme'],
    ['http → https with credentials', () => `https://user:pw@news.test:${site.port}/`, 'credentials_in_url'],
  ];

  it.each(table)('%s', async (_name, location, reason) => {
    const path = `/redirect-${Math.random().toString(36).slice(2)}`;
    site.route(path, (_req, res) => res.writeHead(302, { location: location() }).end());
    expect(await reasonFor(fetcher, site.url(path))).toBe(reason);
    expect(internal.connections).toBe(0);
  });

  it('http → https to the public stand-in is followed, and fails closed without a trusted certificate', async () => {
    // A plain-HTTP listener behind an https URL: the TLS handshake fails, nothing is fetched.
    site.route('/to-https', (_req, res) => res.writeHead(301, { location: `https://news.test:${site.port}/page` }).end());
    const reason = await reasonFor(fetcher, site.url('/to-https'));
    expect(['tls_error', 'connection_reset', 'fetch_failed']).toContain(reason);
    expect(internal.connections).toBe(0);
  });
});

describe('proxy variables in the environment', () => {
  const VARS = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy'];
  let proxy: Listener;
  beforeAll(async () => {
    proxy = await listen('127.0.0.1');
  });
  afterAll(() => proxy.close());
  afterEach(() => {
    for (const name of [...VARS, 'NO_PROXY', 'no_proxy']) delete process.env[name];
  });

  it('are ignored: an allowed page is fetched directly, a private one still refused, the proxy sees nothing', async () => {
    for (const name of VARS) process.env[name] = `http://127.0.0.1:${proxy.port}`;
    process.env['NO_PROXY'] = '';
    const fetcher = fetcherWith(async (host) => answers(host === 'inside.test' ? '127.0.0.1' : '127.0.0.2'));
    try {
      const page = await fetcher.fetchPage(`http://news.test:${site.port}/page`);
      expect(page.body.toString()).toBe('<p>public</p>');
      expect(await reasonFor(fetcher, `http://inside.test:${internal.port}/`)).toBe('blocked_address');
      expect(await reasonFor(fetcher, `http://127.0.0.1:${internal.port}/`)).toBe('blocked_address');
    } finally {
      await fetcher.close();
    }
    expect(proxy.connections).toBe(0);
    expect(internal.connections).toBe(0);
  });
});
