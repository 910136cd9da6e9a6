/**
 * A URL new to a source may still have a job on the ingest queue (another source listed it, or the
 * API queued it). On real Redis with the production job options and a real BullMQ worker: a
 * finished job without a stored article is cleared and the URL runs again; a waiting job absorbs
 * the poll's add; a URL stored as an article (here by its canonical URL) is not queued.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { Queue, Worker } from 'bullmq';
import { pollSource, type PollDeps } from '../../src/sources/index.js';
import type { Store } from '../../src/store/index.js';
import { ingestJobId } from '../../jobs/job-id.js';
import { ingestJobOptions, QUEUE, redisConnection } from '../../jobs/queues.js';
import type { IngestJobData, IngestJobResult } from '../../jobs/ingest-job.js';
import { makeArticle, sqliteHarness, type StoreHarness } from '../store/helpers.js';
import { rss, urlset } from './fixtures.js';
import { pollHarness, REDIS_URL, type PollHarness } from './harness.js';

let h: PollHarness;
let storeHarness: StoreHarness;
let store: Store;
let queue: Queue<IngestJobData, IngestJobResult>;
let deps: PollDeps;

beforeEach(async () => {
  h = await pollHarness();
  storeHarness = await sqliteHarness();
  store = await storeHarness.open();
  // The service's job options: failed jobs kept 7 days, completed ones a day.
  queue = new Queue<IngestJobData, IngestJobResult>(QUEUE.ingest, {
    connection: h.redis,
    prefix: h.prefix,
    defaultJobOptions: ingestJobOptions({ attempts: 1, backoffMs: 10 }),
  });
  deps = { ...h.deps, ingestQueue: queue, store };
});
afterEach(async () => {
  await queue.close();
  await storeHarness.cleanup();
  await h.cleanup();
});

const serve = (type: string, body: () => string) => (_req: unknown, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': type }).end(body());
};

/**
 * Runs a worker until `expected` jobs have settled: a URL in `failing` throws, any other ends
 * without an article (as a page answering 304 does). Returns the URLs run, in order.
 */
async function runJobs(expected: number, failing: ReadonlySet<string> = new Set()): Promise<string[]> {
  const connection = redisConnection(REDIS_URL);
  const ran: string[] = [];
  await new Promise<void>((resolve) => {
    const worker = new Worker<IngestJobData, IngestJobResult>(
      QUEUE.ingest,
      async (job) => {
        ran.push(job.data.url);
        if (failing.has(job.data.url)) throw new Error('refused by the test');
        return { status: 'not_modified' };
      },
      { connection, prefix: h.prefix },
    );
    const settled = () => {
      if (ran.length === expected) void worker.close().then(resolve);
    };
    worker.on('completed', settled);
    worker.on('failed', settled);
  });
  await connection.quit();
  return ran;
}

async function stateOf(url: string): Promise<[string, string | undefined]> {
  const id = ingestJobId(url);
  return [await queue.getJobState(id), (await queue.getJob(id))?.data.origin];
}

describe('a poll queues URLs whose earlier jobs are finished', () => {
  it('runs again a URL whose job failed or completed without an article; a waiting job is not duplicated', async () => {
    const o = h.server.origin;
    const [failed, completed, waiting, stored] = ['failed', 'completed', 'waiting', 'stored'].map((n) => `${o}/news/${n}`) as [string, string, string, string];
    const date = '2026-11-28T08:00:00Z';
    let feedItems = [failed, completed];
    h.server.route('/feed.xml', serve('application/rss+xml', () => rss(feedItems.map((url) => ({ url, title: url, date })))));
    h.server.route('/sitemap.xml', serve('application/xml', () => urlset([failed, completed, waiting, stored].map((url) => ({ url, lastmod: date })))));
    await store.saveArticle(makeArticle({ id: 'stored', url: `${o}/amp/stored`, canonicalUrl: stored }));

    const first = await pollSource(h.source('feed', '/feed.xml'), deps);
    expect(first.urls.sort()).toEqual([completed, failed]);
    expect((await runJobs(2, new Set([failed]))).sort()).toEqual([completed, failed]);
    expect([await stateOf(failed), await stateOf(completed)]).toEqual([['failed', 'source:feed'], ['completed', 'source:feed']]);

    feedItems = [waiting];
    expect((await pollSource(h.source('feed', '/feed.xml'), deps, { force: true })).urls).toEqual([waiting]);

    // Another source lists all four: new to it, so it queues all but the stored one.
    const second = await pollSource(h.source('sitemap', '/sitemap.xml'), deps);
    expect([second.status, second.found, second.urls.sort()]).toEqual(['ok', 4, [completed, failed, waiting]]);
    expect([await stateOf(failed), await stateOf(completed), await stateOf(waiting), await stateOf(stored)]).toEqual([
      ['waiting', 'source:sitemap'],
      ['waiting', 'source:sitemap'],
      ['waiting', 'source:feed'],
      ['unknown', undefined],
    ]);
    expect(await queue.getWaitingCount()).toBe(3);
    expect((await runJobs(3)).sort()).toEqual([completed, failed, waiting]);
  });

  it('clears finished jobs in every slice of a large poll', async () => {
    const o = h.server.origin;
    // More than two slices of 100, every third URL with a completed job.
    const urls = Array.from({ length: 250 }, (_, i) => `${o}/bulk/${i}`);
    const earlier = urls.filter((_, i) => i % 3 === 0);
    const date = '2026-11-28T08:00:00Z';
    h.server.route('/earlier.xml', serve('application/xml', () => urlset(earlier.map((url) => ({ url, lastmod: date })))));
    h.server.route('/all.xml', serve('application/xml', () => urlset(urls.map((url) => ({ url, lastmod: date })))));
    expect((await pollSource(h.source('earlier', '/earlier.xml'), deps)).enqueued).toBe(earlier.length);
    await runJobs(earlier.length);

    const all = await pollSource(h.source('all', '/all.xml'), deps);
    expect([all.status, all.enqueued]).toEqual(['ok', urls.length]);
    expect(await queue.getWaitingCount()).toBe(urls.length);
    expect((await runJobs(urls.length)).sort()).toEqual([...urls].sort());
  });
});
