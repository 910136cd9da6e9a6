/**
 * `/api/sources` against a real sources file and real Redis: each source with its schedule and
 * state, and a manual poll queued on the discover queue.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSourcesService } from '../../src/http/sources-service.js';
import { loadSources, SourceStateStore } from '../../src/sources/index.js';
import { DISCOVER_QUEUE, schedulerId, type DiscoverJobData, type DiscoverJobResult } from '../../jobs/discover-job.js';
import { redisConnection } from '../../jobs/queues.js';
import { deleteKeysUnder, TEST_REDIS_URL } from '../helpers/worker-harness.js';
import { bearer, openTestApp, type TestApp } from './harness.js';

const SOURCES_YAML = `sources:
  - id: daum-news
    url: http://127.0.0.2/feeds/daum.xml
    kind: feed
    schedule: { every: 15m }
  - id: herald-sitemap
    url: http://127.0.0.2/sitemap.xml
    schedule: { cron: "*/10 6-23 * * *", tz: Asia/Seoul }
  - id: old-blog
    url: http://127.0.0.2/blog/rss
    enabled: false
`;

describe('sources through the API', () => {
  const prefix = `{nwtest-${randomUUID()}}`;
  const dir = mkdtempSync(join(tmpdir(), 'newsworker-sources-api-'));
  const file = join(dir, 'sources.yaml');
  const redis = redisConnection(TEST_REDIS_URL);
  const discoverQueue = new Queue<DiscoverJobData, DiscoverJobResult>(DISCOVER_QUEUE, { connection: redis, prefix });
  let t: TestApp;

  beforeAll(async () => {
    writeFileSync(file, SOURCES_YAML);
    const service = createSourcesService({ sourcesFile: file, redis, queuePrefix: prefix, discoverQueue });
    t = await openTestApp('sqlite', { sources: service }, { queuePrefix: prefix });
    await new SourceStateStore(redis, { prefix }).update('daum-news', { lastPollAt: '2026-11-28T10:00:00.000Z', lastOutcome: 'ok', itemsFound: 12 });
    const daum = loadSources(file).sources[0]!;
    await discoverQueue.upsertJobScheduler(schedulerId('daum-news'), { every: 15 * 60_000 }, { name: 'discover', data: { source: daum, trigger: 'schedule' } });
  });

  afterAll(async () => {
    await t.close();
    await discoverQueue.close();
    await deleteKeysUnder(redis, prefix);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists every source of the file with its schedule, last poll and next run', async () => {
    const res = await t.app.inject('/api/sources');
    expect(res.statusCode).toBe(200);
    const items = (res.json() as { items: Array<Record<string, unknown>> }).items;
    expect(items.map((s) => [s.id, s.kind, s.enabled, s.schedule, s.lastPollAt, s.lastOutcome, s.itemsFound])).toEqual([
      ['daum-news', 'feed', true, 'every 15m', '2026-11-28T10:00:00.000Z', 'ok', 12],
      ['herald-sitemap', null, true, 'cron "*/10 6-23 * * *" Asia/Seoul', null, null, 0],
      ['old-blog', null, false, 'every 15m', null, null, 0],
    ]);
    expect(items[0]!.nextRunAt).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    expect(items[1]!.nextRunAt).toBeNull();
  });

  it('POST /api/sources/:id/run queues a manual poll of that source on the discover queue', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/sources/herald-sitemap/run', headers: bearer() });
    expect(res.statusCode).toBe(202);
    const body = res.json() as { id: string; jobId: string };
    expect(body.id).toBe('herald-sitemap');
    const job = await discoverQueue.getJob(body.jobId);
    expect(job?.data.trigger).toBe('manual');
    expect(job?.data.source.url).toBe('http://127.0.0.2/sitemap.xml');
  });

  it.each([
    ['/api/sources/nope/run', 404, 'not_found'],
    ['/api/sources/bad%20id/run', 400, 'bad_request'],
  ])('POST %s answers %i', async (url, status, code) => {
    const res = await t.app.inject({ method: 'POST', url, headers: bearer() });
    expect(res.statusCode).toBe(status);
    expect((res.json() as { error: string }).error).toBe(code);
  });

  it('an edited file shows without a restart', async () => {
    writeFileSync(file, `${SOURCES_YAML}  - id: added-later\n    url: http://127.0.0.2/new.xml\n`);
    const ids = ((await t.app.inject('/api/sources')).json() as { items: Array<{ id: string }> }).items.map((s) => s.id);
    expect(ids).toEqual(['daum-news', 'herald-sitemap', 'old-blog', 'added-later']);
  });
});
