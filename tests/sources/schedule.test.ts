import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sourceSchema, type SourceConfig } from '../../src/sources/index.js';
import { DISCOVER_QUEUE, type DiscoverJobData } from '../../jobs/discover-job.js';
import { syncSchedules } from '../../jobs/schedule.js';
import { runCli } from '../helpers/run-cli.js';
import { deleteKeys, REDIS_URL, testPrefix } from './harness.js';

let prefix: string;
let redis: Redis;
let queue: Queue<DiscoverJobData>;
let dir: string;

beforeEach(() => {
  prefix = testPrefix();
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  queue = new Queue<DiscoverJobData>(DISCOVER_QUEUE, { connection: redis, prefix });
  dir = mkdtempSync(join(tmpdir(), 'newsworker-schedule-'));
});
afterEach(async () => {
  await queue.close();
  await deleteKeys(redis, prefix);
  await redis.quit();
  rmSync(dir, { recursive: true, force: true });
});

const sources = (...entries: Array<[string, Record<string, unknown>?]>): SourceConfig[] =>
  entries.map(([id, extra]) => sourceSchema.parse({ id, url: `https://news.example/${id}.xml`, ...extra }));

/** Scheduler ids straight from Redis: the queue's `repeat` sorted set. */
async function schedulerIdsInRedis(): Promise<string[]> {
  return (await redis.zrange(`${prefix}:${DISCOVER_QUEUE}:repeat`, 0, -1)).sort();
}

/** Jobs waiting or delayed per scheduler id (each scheduler keeps exactly one next job). */
async function nextJobsPerScheduler(): Promise<Record<string, number>> {
  const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized']);
  const counts: Record<string, number> = {};
  for (const j of jobs) counts[j.repeatJobKey ?? '?'] = (counts[j.repeatJobKey ?? '?'] ?? 0) + 1;
  return counts;
}

describe('syncSchedules', () => {
  it('several instances syncing at once leave exactly one scheduler per enabled source', async () => {
    const list = sources(['a', { schedule: { every: '10m' } }], ['b', { schedule: { cron: '*/5 * * * *', tz: 'Asia/Seoul' } }], ['c', { enabled: false }]);
    const settings = { redisUrl: REDIS_URL, queuePrefix: prefix, sourcesFile: undefined };
    const results = await Promise.all([1, 2, 3, 4].map(() => syncSchedules(settings, list)));
    expect(await schedulerIdsInRedis()).toEqual(['source:a', 'source:b']);
    expect(await nextJobsPerScheduler()).toEqual({ 'source:a': 1, 'source:b': 1 });
    // One sync created them; the others found them matching.
    expect(results.map((r) => r.upserted.length).sort()).toEqual([0, 0, 0, 2]);
    const b = await queue.getJobScheduler('source:b');
    expect([b?.pattern, b?.tz, b?.template?.data?.source.id]).toEqual(['*/5 * * * *', 'Asia/Seoul', 'b']);
  });

  it('removes the scheduler of a source gone from the file or disabled, updates a changed one, leaves others alone', async () => {
    const settings = { redisUrl: REDIS_URL, queuePrefix: prefix, sourcesFile: undefined };
    await queue.upsertJobScheduler('maintenance', { every: 3_600_000 }, { name: 'other' });
    await syncSchedules(settings, sources(['a'], ['b'], ['c']));
    const result = await syncSchedules(settings, sources(['a'], ['b', { schedule: { every: '1h' } }], ['d'], ['c', { enabled: false }]));
    expect([result.upserted.sort(), result.unchanged, result.removed]).toEqual([['source:b', 'source:d'], ['source:a'], ['source:c']]);
    expect(await schedulerIdsInRedis()).toEqual(['maintenance', 'source:a', 'source:b', 'source:d']);
    expect((await queue.getJobScheduler('source:b'))?.every).toBe(3_600_000);
  });

  it('a schedule BullMQ refuses fails that source only', async () => {
    const settings = { redisUrl: REDIS_URL, queuePrefix: prefix, sourcesFile: undefined };
    const result = await syncSchedules(settings, sources(['bad', { schedule: { cron: '61 * * * *' } }], ['good']));
    expect([result.upserted, result.failed.map((f) => [f.id, f.message.includes('61')])]).toEqual([['source:good'], [['source:bad', true]]]);
    expect(await schedulerIdsInRedis()).toEqual(['source:good']);
  });

  it('two `newsworker schedule sync` processes started at once leave one scheduler per source', async () => {
    const file = join(dir, 'sources.yaml');
    writeFileSync(file, 'sources:\n  - id: one\n    url: https://news.example/one.xml\n  - id: two\n    url: https://news.example/two.xml\n    schedule: { every: 30m }\n');
    const env = { REDIS_URL, NEWSWORKER_QUEUE_PREFIX: prefix, NEWSWORKER_SOURCES: file, LOG_LEVEL: 'silent' };
    const runs = await Promise.all([runCli(['schedule', 'sync'], { env }), runCli(['schedule', 'sync'], { env })]);
    expect(runs.map((r) => [r.code, r.stderr])).toEqual([[0, ''], [0, '']]);
    expect(runs.map((r) => r.stdout).join('')).toContain(`sources file: ${file}`);
    expect(await schedulerIdsInRedis()).toEqual(['source:one', 'source:two']);
    expect(await nextJobsPerScheduler()).toEqual({ 'source:one': 1, 'source:two': 1 });

    // A source removed from the file loses its scheduler on the next sync.
    writeFileSync(file, 'sources:\n  - id: two\n    url: https://news.example/two.xml\n    schedule: { every: 30m }\n');
    const again = await runCli(['schedule', 'sync'], { env });
    expect([again.code, again.stdout.split('\n').filter((l) => /^(upserted|unchanged|removed)/.test(l))]).toEqual([0, ['unchanged\tsource:two', 'removed\tsource:one']]);
    expect(await schedulerIdsInRedis()).toEqual(['source:two']);
  });

  it('a bad sources file stops the sync with a message naming file, source and field', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'sources:\n  - id: ok\n    url: https://news.example/ok.xml\n  - id: broken\n    url: https://news.example/b.xml\n    schedule: { every: 5 minutes }\n');
    const run = await runCli(['schedule', 'sync'], { env: { REDIS_URL, NEWSWORKER_QUEUE_PREFIX: prefix, NEWSWORKER_SOURCES: file } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}: source "broken": schedule`);
    expect(await schedulerIdsInRedis()).toEqual([]);
  });
});
