import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pollSource } from '../../src/sources/index.js';
import { ingestJobId } from '../../jobs/job-id.js';
import { atom, ENTITY_BOMB, jsonFeed, rdf, rss, sitemapIndex, urlset, type Entry, type Item } from './fixtures.js';
import { pollHarness, type PollHarness } from './harness.js';

let h: PollHarness;
beforeEach(async () => {
  h = await pollHarness();
});
afterEach(async () => {
  await h.cleanup();
});

const xml = (type: string, body: string | Buffer) => (_req: unknown, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': type }).end(body);
};

function item(n: number, date: string, extra: Partial<Item> = {}): Item {
  return { url: `${h.server.origin}/news/${n}`, title: `Story ${n}`, date, lang: 'en', ...extra };
}

describe('each poll queues exactly the new items', () => {
  it('follows a feed whose items move over time: new ones only, newest first, with hints', async () => {
    let items: Item[] = [item(1, '2026-11-28T08:00:00Z'), item(2, '2026-11-28T09:00:00Z'), item(3, '2026-11-28T07:00:00Z')];
    h.server.route('/feed.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(items)));
    const source = h.source('moving', '/feed.xml');
    const o = h.server.origin;

    const first = await pollSource(source, h.deps);
    expect([first.status, first.urls]).toEqual(['ok', [`${o}/news/2`, `${o}/news/1`, `${o}/news/3`]]);

    // Story 3 drops off, 4 arrives, and story 1 comes back with tracking parameters and a fragment.
    items = [item(4, '2026-11-28T10:00:00Z'), { ...item(1, '2026-11-28T08:00:00Z'), url: `${o}/news/1?utm_source=rss&fbclid=x#top` }, item(2, '2026-11-28T09:00:00Z')];
    const second = await pollSource(source, h.deps, { force: true });
    expect([second.found, second.urls]).toEqual([3, [`${o}/news/4`]]);

    // Reordered, one undated newcomer, and the host written in capitals.
    items = [item(2, '2026-11-28T09:00:00Z'), { url: `${o.toUpperCase().replace('HTTP', 'http')}/news/5`, title: 'Undated' }, item(4, '2026-11-28T10:00:00Z')];
    const third = await pollSource(source, h.deps, { force: true });
    expect(third.urls).toEqual([`${o}/news/5`]);

    const jobs = await h.queuedJobs();
    expect(jobs.map((j) => j.url)).toEqual([1, 2, 3, 4, 5].map((n) => `${o}/news/${n}`));
    expect(jobs.map((j) => [j.origin, j.hints])).toEqual([
      ['source:moving', { title: 'Story 1', publishedAt: '2026-11-28T08:00:00.000Z', language: 'en' }],
      ['source:moving', { title: 'Story 2', publishedAt: '2026-11-28T09:00:00.000Z', language: 'en' }],
      ['source:moving', { title: 'Story 3', publishedAt: '2026-11-28T07:00:00.000Z', language: 'en' }],
      ['source:moving', { title: 'Story 4', publishedAt: '2026-11-28T10:00:00.000Z', language: 'en' }],
      ['source:moving', { title: 'Undated', publishedAt: null, language: null }],
    ]);
    expect(await h.state.get('moving')).toMatchObject({ lastOutcome: 'ok', itemsFound: 3, itemsEnqueued: 1 });
  });

  it.each([
    ['RSS 2.0', 'application/rss+xml', rss],
    ['Atom', 'application/atom+xml', atom],
    ['RDF', 'application/rdf+xml', (items: Item[]) => rdf(items, 'en')],
    ['JSON Feed', 'application/feed+json', jsonFeed],
  ])('%s: the first poll queues every item, the same document again queues none', async (_label, type, render) => {
    const items = [item(1, '2026-11-28T08:00:00Z'), item(2, '2026-11-28T09:00:00Z')];
    h.server.route('/feed', xml(type, render(items)));
    const source = h.source('fmt', '/feed');
    const first = await pollSource(source, h.deps);
    const second = await pollSource(source, h.deps, { force: true });
    expect([first.kind, first.urls, second.status, second.enqueued]).toEqual(['feed', [items[1]!.url, items[0]!.url], 'ok', 0]);
    expect(await h.queuedUrls()).toEqual([items[0]!.url, items[1]!.url]);
  });

  it('queues at most maxItems per poll, newest first, and the rest on the next polls', async () => {
    const items = [1, 2, 3, 4, 5].map((n) => item(n, `2026-11-2${n}T00:00:00Z`));
    h.server.route('/feed', xml('application/rss+xml', rss(items)));
    const source = h.source('capped', '/feed', { maxItems: 2 });
    const o = h.server.origin;
    const polls = [];
    for (let i = 0; i < 3; i++) polls.push((await pollSource(source, h.deps, { force: true })).urls);
    expect(polls).toEqual([[`${o}/news/5`, `${o}/news/4`], [`${o}/news/3`, `${o}/news/2`], [`${o}/news/1`]]);
  });
});

describe('conditional GET', () => {
  it('a 304 queues nothing and keeps the source state', async () => {
    let hits = 0;
    h.server.route('/feed', (req, res) => {
      hits++;
      if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304, { etag: '"v1"' }).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"v1"' }).end(rss([item(1, '2026-11-28T08:00:00Z')]));
    });
    const source = h.source('etag', '/feed');
    const first = await pollSource(source, h.deps);
    const second = await pollSource(source, h.deps, { force: true });
    expect([first.enqueued, second.status, second.enqueued, hits]).toEqual([1, 'not_modified', 0, 2]);
    expect(await h.queuedUrls()).toEqual([`${h.server.origin}/news/1`]);
    expect(await h.state.get('etag')).toMatchObject({ lastOutcome: 'not_modified', itemsFound: 1, itemsEnqueued: 0 });
  });
});

describe('sitemaps', () => {
  function newsEntry(n: number, lastmod: string): Entry {
    return { url: `${h.server.origin}/n/${n}`, lastmod, news: { title: `News ${n}`, date: lastmod, language: 'ko' } };
  }

  it('follows a sitemap index to gzipped news sitemaps, then skips what was not modified since', async () => {
    const early = '2026-11-01T00:00:00Z';
    let child2: Entry[] = [newsEntry(3, early)];
    let child2Lastmod = early;
    h.server.route('/sitemap-index.xml', (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/xml' }).end(
        sitemapIndex([{ url: h.server.url('/news-1.xml.gz'), lastmod: early }, { url: h.server.url('/news-2.xml.gz'), lastmod: child2Lastmod }]),
      ),
    );
    h.server.route('/news-1.xml.gz', xml('application/x-gzip', gzipSync(urlset([newsEntry(1, early), newsEntry(2, '2026-11-02T00:00:00Z')]))));
    h.server.route('/news-2.xml.gz', (_req, res) => res.writeHead(200, { 'content-type': 'application/gzip' }).end(gzipSync(urlset(child2))));
    const source = h.source('sitemap', '/sitemap-index.xml');
    const o = h.server.origin;

    const first = await pollSource(source, h.deps);
    expect([first.kind, first.documents, first.urls]).toEqual(['sitemap', 3, [`${o}/n/2`, `${o}/n/1`, `${o}/n/3`]]);
    expect((await h.queuedJobs()).map((j) => j.hints)).toEqual([1, 2, 3].map((n) => ({ title: `News ${n}`, publishedAt: n === 2 ? '2026-11-02T00:00:00.000Z' : '2026-11-01T00:00:00.000Z', language: 'ko' })));

    // Nothing modified since: only the index is fetched.
    const before = h.server.requests.length;
    const second = await pollSource(source, h.deps, { force: true });
    expect([second.status, second.documents, second.enqueued, h.server.requests.length - before]).toEqual(['ok', 1, 0, 1]);

    // Child 2 changes: one new entry, one old entry re-listed with an old lastmod.
    await sleep(5);
    const now = new Date().toISOString();
    child2Lastmod = now;
    child2 = [newsEntry(4, now), newsEntry(3, early)];
    const third = await pollSource(source, h.deps, { force: true });
    expect([third.documents, third.found, third.urls]).toEqual([2, 1, [`${o}/n/4`]]);
  });

  it('still queues an entry first listed after a poll whose lastmod is a little older than that poll (stale CDN copy)', async () => {
    let entries: Entry[] = [{ url: h.server.url('/a'), lastmod: '2026-11-01T00:00:00Z' }];
    h.server.route('/s.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/xml' }).end(urlset(entries)));
    const source = h.source('stale', '/s.xml');
    await pollSource(source, h.deps);
    const tenMinutesBefore = new Date(Date.now() - 10 * 60_000).toISOString();
    const twoHoursBefore = new Date(Date.now() - 2 * 3600_000).toISOString();
    entries = [{ url: h.server.url('/late'), lastmod: tenMinutesBefore }, { url: h.server.url('/old'), lastmod: twoHoursBefore }, ...entries];
    const second = await pollSource(source, h.deps, { force: true });
    expect([second.found, second.urls]).toEqual([1, [h.server.url('/late')]]);
  });

  it('sifts a sitemap of several megabytes batch by batch: first listing wins, seen URLs skipped, newest first across batches', async () => {
    // ~3 MB: the parser hands entries over per ~1 MB of text, so the filter sees several batches.
    const count = 9000;
    const pad = 'x'.repeat(200);
    const at = (i: number) => new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString();
    const entries: Entry[] = Array.from({ length: count }, (_, i) => ({ url: h.server.url(`/big/${i}?utm_source=sm`), lastmod: at(i), news: { title: `T${i} ${pad}`, date: at(i), language: 'en' } }));
    // Listed again at the end under another spelling and date: the first listing is the one kept.
    entries.push({ url: h.server.url('/big/0#again'), lastmod: at(count + 5), news: { title: 'again', date: at(count + 5), language: 'en' } });
    const body = urlset(entries);
    expect(body.length).toBeGreaterThan(2.5 * 1024 * 1024);
    h.server.route('/big.xml', xml('application/xml', body));
    const source = h.source('big', '/big.xml', { kind: 'sitemap', maxItems: 50_000 });
    const seen = [h.server.url('/big/3'), h.server.url(`/big/${count - 2}`)];
    await h.state.markSeen(source.id, seen);

    const report = await pollSource(source, h.deps);
    const expected = Array.from({ length: count }, (_, i) => count - 1 - i).filter((i) => i !== 3 && i !== count - 2).map((i) => h.server.url(`/big/${i}`));
    expect([report.status, report.found, report.fresh, report.enqueued]).toEqual(['ok', count, count - 2, count - 2]);
    expect(report.urls).toEqual(expected);
    const jobs = await h.queuedJobs();
    expect(jobs.find((j) => j.url === h.server.url('/big/0'))?.hints).toEqual({ title: `T0 ${pad}`, publishedAt: at(0), language: 'en' });
    expect(jobs.length).toBe(count - 2);
    // The worker takes the wait list from its tail (jobs are pushed at its head): newest first,
    // across slices added two at a time.
    const takeOrder = (await h.redis.lrange(h.ingestQueue.toKey('wait'), 0, -1)).reverse();
    expect(takeOrder).toEqual(expected.map(ingestJobId));
  });

  it('detects a sitemap when the source does not say its kind', async () => {
    h.server.route('/s.xml', xml('text/xml', urlset([{ url: h.server.url('/a') }])));
    const report = await pollSource(h.source('auto', '/s.xml'), h.deps);
    expect([report.kind, report.urls]).toEqual(['sitemap', [h.server.url('/a')]]);
  });
});

describe('a failing source ends its own poll with a clear reason; the others go on', () => {
  const SIXTY_MB = 60 * 1024 * 1024;
  function hugeSitemap(): Buffer {
    const head = Buffer.from('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.example/a</loc></url>');
    const body = Buffer.alloc(SIXTY_MB, ' ');
    head.copy(body);
    return body;
  }

  it('malformed feed, entity bomb, 60 MB sitemaps (declared, chunked, gzipped), self-looping index, deep indexes', async () => {
    const huge = hugeSitemap();
    h.server.route('/good', xml('application/rss+xml', rss([item(1, '2026-11-28T08:00:00Z')])));
    h.server.route('/malformed', xml('application/rss+xml', '<rss version="2.0"><channel><title>x</title><item><link>https://a/</li'));
    h.server.route('/bomb', xml('application/rss+xml', ENTITY_BOMB));
    h.server.route('/huge.xml', xml('application/xml', huge));
    h.server.route('/huge-chunked.xml', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      for (let i = 0; i < huge.length; i += 1024 * 1024) res.write(huge.subarray(i, i + 1024 * 1024));
      res.end();
    });
    h.server.route('/huge.xml.gz', xml('application/x-gzip', gzipSync(huge)));
    h.server.route('/loop.xml', xml('application/xml', sitemapIndex([{ url: h.server.url('/loop.xml') }])));
    for (let d = 1; d <= 4; d++) h.server.route(`/deep-${d}.xml`, xml('application/xml', sitemapIndex([{ url: h.server.url(`/deep-${d + 1}.xml`) }])));

    const cases: Array<[string, string, string | null]> = [
      ['good', '/good', null],
      ['malformed', '/malformed', 'malformed_feed'],
      ['bomb', '/bomb', 'xml_entities'],
      ['huge', '/huge.xml', 'too_large'],
      ['huge-chunked', '/huge-chunked.xml', 'too_large'],
      ['huge-gz', '/huge.xml.gz', 'too_large'],
      ['loop', '/loop.xml', 'sitemap_loop'],
      ['deep', '/deep-1.xml', 'sitemap_too_deep'],
      ['gone', '/missing', 'http_4xx'],
    ];
    const reports = await Promise.all(cases.map(([id, path]) => pollSource(h.source(id, path), h.deps)));
    expect(reports.map((r) => [r.sourceId, r.reason])).toEqual(cases.map(([id, , reason]) => [id, reason]));
    expect(reports.map((r) => r.status)).toEqual(cases.map(([, , reason]) => (reason === null ? 'ok' : 'failed')));
    expect(await h.queuedUrls()).toEqual([`${h.server.origin}/news/1`]);
    for (const [id, , reason] of cases) {
      const state = await h.state.get(id);
      expect(state.lastOutcome).toBe(reason === null ? 'ok' : `failed:${reason}`);
    }
    expect(reports.find((r) => r.sourceId === 'loop')?.message).toContain('loops');
  });
});

describe('what the source says of itself, and backoff', () => {
  it('ttl holds the next scheduled poll off (no request), a manual poll goes through', async () => {
    h.server.route('/feed', xml('application/rss+xml', rss([item(1, '2026-11-28T08:00:00Z')], { ttl: 30 })));
    const source = h.source('ttl', '/feed');
    await pollSource(source, h.deps);
    const requests = h.server.requests.length;
    const deferred = await pollSource(source, h.deps);
    expect([deferred.status, deferred.reason, h.server.requests.length - requests]).toEqual(['deferred', 'not_before', 0]);
    expect((await pollSource(source, h.deps, { force: true })).status).toBe('ok');
  });

  it('skipHours covering now defers the scheduled poll', async () => {
    const hour = new Date().getUTCHours();
    h.server.route('/feed', xml('application/rss+xml', rss([item(1, '2026-11-28T08:00:00Z')], { skipHours: [hour, (hour + 1) % 24] })));
    const source = h.source('skiphours', '/feed');
    await pollSource(source, h.deps);
    expect((await pollSource(source, h.deps)).reason).toBe('skip_hours');
  });

  it('a source with nothing new is polled on fewer ticks, and on every tick again once it changes', async () => {
    let items = [item(1, '2026-11-28T08:00:00Z')];
    h.server.route('/feed', (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(items)));
    const source = h.source('quiet', '/feed');
    const ticks: string[] = [];
    const tick = async () => {
      const r = await pollSource(source, h.deps);
      ticks.push(r.status === 'deferred' ? '-' : String(r.enqueued));
    };
    for (let i = 0; i < 8; i++) await tick();
    // Found 1, then nothing: every 2nd tick, then every 4th.
    expect(ticks.join(' ')).toBe('1 0 - 0 - - - 0');
    expect((await h.state.get('quiet')).backoff).toBe(8);
    items = [item(2, '2026-11-28T09:00:00Z'), ...items];
    for (let i = 0; i < 8; i++) await tick();
    expect(ticks.slice(8).join(' ')).toBe('- - - - - - - 1');
    await tick();
    expect(ticks.at(-1)).toBe('0');
  });
});
