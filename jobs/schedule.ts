/**
 * Job Schedulers from the sources file: one per enabled source, named `source:<id>`; schedulers
 * of sources gone from the file (or disabled) are removed. Run at every start by every instance:
 * a Redis lock makes the syncs take turns, and a scheduler already matching the file is left as it
 * is, so a restart neither duplicates a scheduler nor moves its next run.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { Queue, type RepeatOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Settings } from '../src/config/settings.js';
import { loadSources, sourcesFilePath, type Schedule, type SourceConfig } from '../src/sources/index.js';
import { DISCOVER_JOB_OPTIONS, DISCOVER_QUEUE, SCHEDULER_PREFIX, schedulerId, type DiscoverJobData, type DiscoverJobResult } from './discover-job.js';
import { redisConnection } from './queues.js';

export interface SyncResult {
  /** Scheduler ids created or changed. */
  upserted: string[];
  /** Scheduler ids already matching the file. */
  unchanged: string[];
  removed: string[];
  /** Sources whose scheduler BullMQ refused (e.g. a cron field out of range), with its message. */
  failed: Array<{ id: string; message: string }>;
}

const LOCK_TTL_MS = 30_000;
const LOCK_WAIT_MS = 60_000;

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

async function withLock<T>(redis: Redis, key: string, fn: () => Promise<T>): Promise<T> {
  const token = randomUUID();
  const deadline = Date.now() + LOCK_WAIT_MS;
  while ((await redis.set(key, token, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') {
    if (Date.now() > deadline) throw new Error(`schedule sync: lock ${key} still held after ${LOCK_WAIT_MS} ms`);
    await sleep(50 + Math.floor(Math.random() * 50));
  }
  try {
    return await fn();
  } finally {
    await redis.eval(RELEASE, 1, key, token);
  }
}

function repeatOptions(schedule: Schedule): Omit<RepeatOptions, 'key'> {
  return 'cron' in schedule ? { pattern: schedule.cron, tz: schedule.tz } : { every: schedule.every };
}

/** Syncs the schedulers of `queue` with `sources`, under a lock on `redis`. */
export async function syncSchedulesOn(
  queue: Queue<DiscoverJobData, DiscoverJobResult>,
  redis: Redis,
  sources: readonly SourceConfig[],
  prefix: string,
): Promise<SyncResult> {
  return withLock(redis, `${prefix}:${DISCOVER_QUEUE}:schedule-sync-lock`, async () => {
    const result: SyncResult = { upserted: [], unchanged: [], removed: [], failed: [] };
    const wanted = new Map(sources.filter((s) => s.enabled).map((s) => [schedulerId(s.id), s]));
    const existing = await queue.getJobSchedulers(0, -1);
    for (const scheduler of existing) {
      const id = scheduler.key;
      if (id.startsWith(SCHEDULER_PREFIX) && !wanted.has(id)) {
        await queue.removeJobScheduler(id);
        result.removed.push(id);
      }
    }
    for (const [id, source] of wanted) {
      const repeat = repeatOptions(source.schedule);
      const data: DiscoverJobData = { source, trigger: 'schedule' };
      const current = existing.find((s) => s.key === id);
      const same =
        current !== undefined &&
        (current.pattern ?? undefined) === repeat.pattern &&
        (current.every === undefined ? undefined : Number(current.every)) === repeat.every &&
        ('tz' in repeat ? current.tz === repeat.tz : true) &&
        // Compared as stored: JSON drops undefined fields.
        isDeepStrictEqual(current.template?.data, JSON.parse(JSON.stringify(data)));
      if (same) {
        result.unchanged.push(id);
        continue;
      }
      try {
        await queue.upsertJobScheduler(id, repeat, { name: 'discover', data, opts: DISCOVER_JOB_OPTIONS });
        result.upserted.push(id);
      } catch (err) {
        // One bad pattern must not leave the other sources unscheduled.
        result.failed.push({ id, message: err instanceof Error ? err.message : String(err) });
      }
    }
    return result;
  });
}

/**
 * `newsworker schedule sync` and the service's start: reads the sources file (NEWSWORKER_SOURCES,
 * else config/sources.yaml) unless `sources` are given, and syncs on its own connections.
 */
export async function syncSchedules(
  settings: Pick<Settings, 'redisUrl' | 'queuePrefix' | 'sourcesFile'>,
  sources?: readonly SourceConfig[],
): Promise<SyncResult & { file: string | null }> {
  if (!settings.redisUrl) throw new Error('syncSchedules needs settings.redisUrl');
  const loaded = sources === undefined ? loadSources(sourcesFilePath(settings.sourcesFile)) : null;
  const redis = redisConnection(settings.redisUrl);
  const queue = new Queue<DiscoverJobData, DiscoverJobResult>(DISCOVER_QUEUE, { connection: redis, prefix: settings.queuePrefix });
  try {
    const result = await syncSchedulesOn(queue, redis, loaded?.sources ?? sources ?? [], settings.queuePrefix);
    return { ...result, file: loaded?.file ?? null };
  } finally {
    await queue.close();
    await redis.quit();
  }
}
