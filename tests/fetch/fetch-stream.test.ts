import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetcher, FetchError, type Fetcher } from '../../src/fetch/index.js';
import type { ResponseHead } from '../../src/fetch/guarded-get.js';
import { startLocalServer, type LocalServer } from '../helpers/local-server.js';

// 127.0.0.2 is allowlisted and stands in for the public internet.
const ALLOW = ['127.0.0.2/32'];
const MAX_BYTES = 256 * 1024;

let site: LocalServer;
let fetcher: Fetcher;

beforeAll(async () => {
  site = await startLocalServer({ host: '127.0.0.2' });
  fetcher = createFetcher({ allowCidrs: ALLOW, headersTimeoutMs: 500, bodyTimeoutMs: 500, totalTimeoutMs: 2_000, maxBytes: MAX_BYTES, robots: { enabled: false } });
});

afterAll(async () => {
  await fetcher.close();
  await site.close();
});

/** Bytes 0..n-1 of a recognisable pattern, so a reassembled body can be compared byte for byte. */
const pattern = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => 'abcdefghij'.charCodeAt(i % 10)));

/** Serves `body` in `pieces` writes with a pause between them; resolves `closed` when the client goes away. */
function servePieces(path: string, body: Buffer, pieces: number, headers: Record<string, string> = {}) {
  const served = { wrote: 0, finished: false, closed: null as Promise<unknown> | null };
  site.route(path, async (_req, res) => {
    served.closed = once(res, 'close');
    res.writeHead(200, { 'content-type': 'text/plain', ...headers });
    const size = Math.ceil(body.length / pieces);
    for (let at = 0; at < body.length && !res.destroyed; at += size) {
      res.write(body.subarray(at, at + size));
      served.wrote += 1;
      await sleep(15);
    }
    if (!res.destroyed) {
      served.finished = true;
      res.end();
    }
  });
  return served;
}

describe('fetchPage with onChunk', () => {
  it.each([
    ['identity', (b: Buffer) => b],
    ['gzip', (b: Buffer) => zlib.gzipSync(b)],
  ])('hands over the %s body decoded, chunk by chunk and one at a time, with the final URL and type, and keeps none of it', async (coding, encode) => {
    const body = pattern(100_000);
    const wire = encode(body);
    servePieces(`/pieces-${coding}`, wire, 5, coding === 'identity' ? {} : { 'content-encoding': coding });
    site.route(`/moved-${coding}`, (_req, res) => res.writeHead(301, { location: `/pieces-${coding}` }).end());
    const got: Buffer[] = [];
    const heads: ResponseHead[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const page = await fetcher.fetchPage(site.url(`/moved-${coding}`), {
      onChunk: async (chunk, head) => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        got.push(Buffer.from(chunk));
        heads.push(head);
        await sleep(2);
        inFlight -= 1;
      },
    });
    expect(Buffer.concat(got).equals(body)).toBe(true);
    expect(got.length).toBeGreaterThan(1);
    expect(maxInFlight).toBe(1);
    expect(new Set(heads.map((h) => `${h.url} ${h.status} ${h.contentType}`))).toEqual(new Set([`${site.url(`/pieces-${coding}`)} 200 text/plain`]));
    expect([page.url, page.body.length, page.redirects]).toEqual([site.url(`/pieces-${coding}`), 0, [site.url(`/pieces-${coding}`)]]);
  });

  it('throws what onChunk throws, unchanged, and aborts the request before the rest is sent', async () => {
    const served = servePieces('/refused', pattern(200_000), 20);
    const refusal = new Error('consumer refuses this document');
    let calls = 0;
    const outcome = await fetcher
      .fetchPage(site.url('/refused'), {
        onChunk: () => {
          calls += 1;
          throw refusal;
        },
      })
      .then(() => 'resolved', (err: unknown) => err);
    expect(outcome).toBe(refusal);
    expect(calls).toBe(1);
    await served.closed;
    expect(served.finished).toBe(false);
    expect(served.wrote).toBeLessThan(20);
  });

  it('still caps the total: too_large once the bytes handed over would pass maxBytes', async () => {
    servePieces('/big', pattern(MAX_BYTES + 50_000), 10);
    let handed = 0;
    const err = await fetcher.fetchPage(site.url('/big'), { onChunk: (chunk) => void (handed += chunk.length) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect((err as FetchError).reason).toBe('too_large');
    expect(handed).toBeGreaterThan(0);
    expect(handed).toBeLessThanOrEqual(MAX_BYTES);
  });

  it('never calls onChunk for a 304', async () => {
    site.route('/same', (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') res.writeHead(304, { etag: '"v1"' }).end();
      else res.writeHead(200, { 'content-type': 'text/plain', etag: '"v1"' }).end('body');
    });
    let calls = 0;
    const page = await fetcher.fetchPage(site.url('/same'), { etag: '"v1"', onChunk: () => void (calls += 1) });
    expect([page.status, page.notModified, calls]).toEqual([304, true, 0]);
  });
});
