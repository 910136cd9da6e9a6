/**
 * Sources read as they arrive, over real HTTP (local server on 127.0.0.2, real Redis for the state):
 * a sitemap's entries reach the sink before its body has ended; checks and caps hold when the
 * document comes in pieces.
 */
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectSource, pollSource, type Candidate, type SourceConfig } from '../../src/sources/index.js';
import { rss, urlset, type Entry } from './fixtures.js';
import { pollHarness, type PollHarness } from './harness.js';

let h: PollHarness;
beforeEach(async () => {
  h = await pollHarness();
});
afterEach(async () => {
  await h.cleanup();
});

/** Writes `bytes` cut at `cuts`, pausing between the pieces; stops if the client went away. */
async function writePieces(res: ServerResponse, bytes: Buffer, cuts: number[], pauseMs = 2): Promise<void> {
  const points = [0, ...cuts, bytes.length];
  for (let i = 1; i < points.length && !res.destroyed; i++) {
    res.write(bytes.subarray(points[i - 1], points[i]));
    await sleep(pauseMs);
  }
}

const every = (n: number, total: number) => Array.from({ length: Math.ceil(total / n) - 1 }, (_, i) => (i + 1) * n);

/** Serves `bytes` cut at `cuts`; records whether the whole body was sent and when the client went away. */
function serve(path: string, bytes: Buffer, cuts: number[], type = 'application/xml') {
  const served = { finished: false, closed: Promise.resolve() as Promise<unknown> };
  h.server.route(path, async (_req, res) => {
    served.closed = once(res, 'close');
    res.writeHead(200, { 'content-type': type });
    await writePieces(res, bytes, cuts);
    if (res.destroyed) return;
    served.finished = true;
    res.end();
  });
  return served;
}

function collect(source: SourceConfig, onCandidates: (batch: Candidate[]) => Promise<void>, feedMaxBytes = 1024 * 1024) {
  return collectSource(source, { fetcher: h.fetcher, state: h.state, feedMaxBytes }, { since: null, onCandidates });
}

describe('a sitemap read as it arrives', () => {
  it.each([
    ['plain', (b: Buffer) => b, 8192],
    ['gzipped (.xml.gz)', (b: Buffer) => gzipSync(b), 1024],
  ])('hands its first entries to the sink while the rest of its body is held back by the server: %s', async (_label, encode, piece) => {
    const entries: Entry[] = Array.from({ length: 6000 }, (_, i) => ({ url: h.server.url(`/live/${i}`), lastmod: '2026-11-28T10:00:00Z' }));
    const body = encode(Buffer.from(urlset(entries)));
    const half = Math.floor(body.length / 2);
    const events: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    h.server.route('/live.xml', async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      await writePieces(res, body.subarray(0, half), every(piece, half), 1);
      // The rest waits for the sink to have seen entries; a reader that waits for the whole body
      // gets it after a second instead, and the order of events shows it.
      await Promise.race([released, sleep(1000)]);
      events.push('rest sent');
      await writePieces(res, body.subarray(half), every(piece, body.length - half), 1);
      res.end();
    });
    const batches: string[][] = [];
    const collected = await collect(h.source('live', '/live.xml'), async (batch) => {
      if (batches.length === 0) {
        events.push('first batch');
        release();
      }
      batches.push(batch.map((c) => c.url));
    });
    expect(events).toEqual(['first batch', 'rest sent']);
    expect(batches.length).toBeGreaterThan(2);
    expect(batches.flat()).toEqual(entries.map((e) => e.url));
    expect([collected.kind, collected.documents, collected.truncated]).toEqual(['sitemap', 1, false]);
  });

  it('decodes by the charset its XML declaration names, characters cut across network chunks', async () => {
    const titles = Array.from({ length: 900 }, (_, i) => `日本語の見出し「${i}」`);
    const entries: Entry[] = titles.map((title, i) => ({ url: h.server.url(`/ja/${i}`), news: { title, date: '2026-11-28T10:00:00Z', language: 'ja' } }));
    const bytes = iconv.encode(urlset(entries).replace('encoding="UTF-8"', 'encoding="Shift_JIS"'), 'Shift_JIS');
    expect(bytes.length).toBeGreaterThan(2 * 64 * 1024);
    // Cut one byte into a two-byte character in the prolog, just past it, and further on.
    const inside = (from: number) => bytes.indexOf(0x93, from) + 1; // 0x93 leads 日 in Shift_JIS
    serve('/ja.xml', bytes, [inside(300), inside(64 * 1024), inside(100_000), inside(130_000)]);
    const got: Candidate[] = [];
    await collect(h.source('ja', '/ja.xml'), async (batch) => void got.push(...batch));
    expect(got.map((c) => c.title)).toEqual(titles);
  });

  it('refuses a DOCTYPE declaring entities cut across chunks, before the rest of a long body is sent', async () => {
    const doc = urlset(Array.from({ length: 4000 }, (_, i) => ({ url: h.server.url(`/e/${i}`) }))).replace('?>', '?><!DOCTYPE urlset [<!ENTITY x "y">]>');
    const bytes = Buffer.from(doc);
    const served = serve('/entities.xml', bytes, [doc.indexOf('<!DOC') + 5, doc.indexOf('<!ENTITY') + 3, ...every(8192, bytes.length).filter((n) => n > 100)]);
    let batches = 0;
    const err: { reason?: string } = await collect(h.source('entities', '/entities.xml'), async () => void (batches += 1)).then(() => ({ reason: 'collected' }), (e: { reason?: string }) => e);
    await served.closed;
    expect([err.reason, batches, served.finished]).toEqual(['xml_entities', 0, false]);
    // The poll reports it under the same reason as a document refused whole.
    const report = await pollSource(h.source('entities', '/entities.xml'), h.deps);
    expect([report.status, report.reason]).toEqual(['failed', 'xml_entities']);
  });
});

describe('caps on a body read as it arrives', () => {
  it('a feed past feedMaxBytes fails too_large as soon as it passes the cap, plain or gzipped', async () => {
    const feed = Buffer.from(rss(Array.from({ length: 2000 }, (_, i) => ({ url: h.server.url(`/f/${i}`), title: `Story ${i} ${'x'.repeat(100)}` }))));
    const cap = 64 * 1024;
    expect(feed.length).toBeGreaterThan(4 * cap);
    const plain = serve('/feed.xml', feed, every(8192, feed.length), 'application/rss+xml');
    const gz = gzipSync(feed);
    const gzipped = serve('/feed.xml.gz', gz, every(1024, gz.length), 'application/x-gzip');
    const outcomes = [];
    for (const path of ['/feed.xml', '/feed.xml.gz']) {
      const source = h.source(path.endsWith('gz') ? 'gz' : 'plain', path);
      outcomes.push(await collect(source, async () => undefined, cap).then(() => 'collected', (err: { reason?: string; message?: string }) => [err.reason, err.message?.replace(/least \d+/, 'least N')]));
    }
    await Promise.all([plain.closed, gzipped.closed]);
    expect(outcomes).toEqual(['/feed.xml', '/feed.xml.gz'].map((path) => ['too_large', `${h.server.url(path)}: feed of at least N bytes exceeds ${cap}`]));
    expect([plain.finished, gzipped.finished]).toEqual([false, false]);
  });

  it('a feed shorter than the 64 KiB prolog fails too_large when it is over feedMaxBytes, plain or gzipped, and passes at the cap', async () => {
    const feed = Buffer.from(rss(Array.from({ length: 40 }, (_, i) => ({ url: h.server.url(`/s/${i}`), title: `Story ${i}` }))));
    expect(feed.length).toBeLessThan(64 * 1024);
    serve('/short.xml', feed, [feed.length >> 1], 'application/rss+xml');
    const gz = gzipSync(feed);
    serve('/short.xml.gz', gz, [gz.length >> 1], 'application/x-gzip');
    const outcome = (path: string, cap: number) =>
      collect(h.source('short', path), async () => undefined, cap).then((c) => c.kind, (err: { reason?: string; message?: string }) => [err.reason, err.message]);
    const got = [];
    for (const [path, cap] of [['/short.xml', feed.length - 1], ['/short.xml.gz', feed.length - 1], ['/short.xml', feed.length], ['/short.xml.gz', feed.length]] as const) got.push(await outcome(path, cap));
    const refused = (path: string) => ['too_large', `${h.server.url(path)}: feed of ${feed.length} bytes exceeds ${feed.length - 1}`];
    expect(got).toEqual([refused('/short.xml'), refused('/short.xml.gz'), 'feed', 'feed']);
  });
});
