/**
 * The queues and their job options, declared in one place. Every queue lives under one prefix
 * whose `{…}` hash tag keeps all of a queue's keys on one Redis Cluster slot, so a deployment can
 * move from a single Redis to a cluster without renaming anything.
 */
import type { DefaultJobOptions, QueueOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';

export const QUEUE = {
  /** fetch → extract → store, one job per URL. */
  ingest: 'ingest',
} as const;

export interface QueueSettings {
  redisUrl: string;
  queuePrefix: string;
  attempts: number;
  backoffMs: number;
}

/**
 * Finished jobs are removed by age and count, so Redis does not grow without limit; the database
 * keeps every attempt's outcome for as long as anyone needs it.
 */
export const REMOVE_ON_COMPLETE = { age: 24 * 3600, count: 10_000 };
export const REMOVE_ON_FAIL = { age: 7 * 24 * 3600, count: 50_000 };

export function ingestJobOptions(s: Pick<QueueSettings, 'attempts' | 'backoffMs'>): DefaultJobOptions {
  return {
    attempts: s.attempts,
    // Exponential with jitter, so that a burst of failures against one host does not come back
    // as a synchronized burst of retries.
    backoff: { type: 'exponential', delay: s.backoffMs, jitter: 0.5 },
    removeOnComplete: REMOVE_ON_COMPLETE,
    removeOnFail: REMOVE_ON_FAIL,
  };
}

/**
 * A Redis connection as BullMQ needs it: workers block on Redis, so `maxRetriesPerRequest` must be
 * null; retries reconnect with a capped backoff instead of giving up.
 */
export function redisConnection(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 6), 10_000),
    ...extra,
  });
}

export function queueOptions(connection: Redis, s: QueueSettings): QueueOptions {
  return { connection, prefix: s.queuePrefix, defaultJobOptions: ingestJobOptions(s) };
}
