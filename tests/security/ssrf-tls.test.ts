/**
 * Issue 6, item 10: redirects across schemes with a real TLS hop: http → https → http on the public
 * stand-in is followed (every hop re-checked), while an https hop that redirects to a private
 * address, to file: or to ftp: is refused, and the internal listener sees no connection.
 *
 * The https server uses a test-only self-signed certificate (tests/security/data/tls, for news.test
 * and 127.0.0.2, never used elsewhere). Trusting it takes NODE_EXTRA_CA_CERTS, which Node reads only
 * at start-up, so the fetches run in a child process (tests/security/fixtures/fetch-urls.ts).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../helpers/local-server.js';

const TLS_DIR = new URL('./data/tls/', import.meta.url);
const CERT = fileURLToPath(new URL('news-test.crt', TLS_DIR));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/fetch-urls.ts', import.meta.url));

let plain: LocalServer;
let internal: LocalServer;
let secure: Server;
let securePort = 0;
const secureSockets = new Set<Socket>();

/** Redirects served over TLS, by path. */
const secureRedirects: Record<string, () => string> = {
  '/mid': () => `http://news.test:${plain.port}/end`,
  '/to-internal': () => `http://127.0.0.1:${internal.port}/`,
  '/to-internal-name': () => `http://inside.test:${internal.port}/`,
  '/to-file': () => 'file:///etc/passwd',
  '/to-ftp': () => `ftp://news.test:${plain.port}/`,
};

beforeAll(async () => {
  internal = await startLocalServer({ host: '127.0.0.1', routes: { '/': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('secret') } });
  plain = await startLocalServer({
    host: '127.0.0.2',
    routes: {
      '/start': (_req, res) => res.writeHead(302, { location: `https://news.test:${securePort}/mid` }).end(),
      '/end': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>public</p>'),
    },
  });
  for (const path of Object.keys(secureRedirects)) {
    plain.route(`/via${path}`, (_req, res) => res.writeHead(302, { location: `https://news.test:${securePort}${path}` }).end());
  }
  secure = createHttpsServer(
    { key: readFileSync(new URL('news-test.key', TLS_DIR)), cert: readFileSync(CERT) },
    (req, res) => {
      const target = secureRedirects[req.url ?? ''];
      if (target === undefined) res.writeHead(404).end();
      else res.writeHead(302, { location: target() }).end();
    },
  );
  secure.on('connection', (socket: Socket) => {
    secureSockets.add(socket);
    socket.on('close', () => secureSockets.delete(socket));
  });
  await new Promise<void>((resolve) => secure.listen(0, '127.0.0.2', () => resolve()));
  securePort = (secure.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const s of secureSockets) s.destroy();
  await new Promise<void>((resolve) => secure.close(() => resolve()));
  await plain.close();
  await internal.close();
});

interface ChildResult {
  url: string;
  result: string;
  finalUrl?: string;
  redirects?: string[];
  body?: string;
}

async function fetchInChild(urls: string[]): Promise<ChildResult[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', FIXTURE, ...urls], {
    cwd: ROOT,
    timeout: 30_000,
    env: {
      ...process.env,
      NODE_EXTRA_CA_CERTS: CERT,
      NEWSWORKER_TEST_NAMES: JSON.stringify({ 'news.test': ['127.0.0.2'], 'inside.test': ['127.0.0.1'] }),
    },
  });
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as ChildResult);
}

describe('redirects across schemes through a real TLS hop', () => {
  it('http → https → http on the public stand-in is followed; https → private, file: or ftp: is refused', { timeout: 60_000 }, async () => {
    const cases: Array<[url: string, result: string]> = [
      [`http://news.test:${plain.port}/start`, 'fetched'],
      [`http://news.test:${plain.port}/via/to-internal`, 'blocked_address'],
      [`http://news.test:${plain.port}/via/to-internal-name`, 'blocked_address'],
      [`http://news.test:${plain.port}/via/to-file`, 'bad_scheme'],
      [`http://news.test:${plain.port}/via/to-ftp`, 'bad_scheme'],
    ];
    const results = await fetchInChild(cases.map(([url]) => url));
    expect(results.map((r) => [r.url, r.result])).toEqual(cases);

    const chain = results[0]!;
    expect(chain.redirects).toEqual([`https://news.test:${securePort}/mid`, `http://news.test:${plain.port}/end`]);
    expect(chain.body).toBe('<p>public</p>');
    expect(internal.connections).toBe(0);
  });
});
