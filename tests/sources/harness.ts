/**
 * A poll harness on real Redis: a queue prefix of its own, a local server on 127.0.0.2 (the SSRF
 * guard refuses 127.0.0.1; the allowlist opens 127.0.0.2/32 only), and cleanup of every key.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createFetcher, parseAllowList, type Fetcher } from '../../src/fetch/index.js';
import { sourceSchema, SourceStateStore, type PollDeps, type SourceConfig, type SourceInput } from '../../src/sources/index.js';
import type { IngestJobData, IngestJobResult } from '../../jobs/ingest-job.js';
import { QUEUE } from '../../jobs/queues.js';
import { startLocalServer, type LocalServer } from '../helpers/local-server.js';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
export const ALLOW = ['127.0.0.2/32'];

export interface PollHarness {
  prefix: string;
  redis: Redis;
  server: LocalServer;
  fetcher: Fetcher;
  ingestQueue: Queue<IngestJobData, IngestJobResult>;
  state: SourceStateStore;
  deps: PollDeps;
  source(id: string, path: string, extra?: Partial<SourceInput>): SourceConfig;
  /** URLs on the ingest queue, sorted (a bulk add gives its jobs one timestamp: no order to read). */
  queuedUrls(): Promise<string[]>;
  queuedJobs(): Promise<IngestJobData[]>;
  cleanup(): Promise<void>;
}

export function testPrefix(): string {
  return `{test-sources-${randomUUID()}}`;
}

export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
}

export async function pollHarness(): Promise<PollHarness> {
  const prefix = testPrefix();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const server = await startLocalServer({ host: '127.0.0.2' });
  const fetcher = createFetcher({ allowCidrs: ALLOW });
  const ingestQueue = new Queue<IngestJobData, IngestJobResult>(QUEUE.ingest, { connection: redis, prefix });
  const state = new SourceStateStore(redis, { prefix });
  const deps: PollDeps = { fetcher, state, ingestQueue, allow: parseAllowList(ALLOW) };
  const queuedJobs = async () => {
    const jobs = await ingestQueue.getJobs(['waiting', 'delayed', 'prioritized', 'active'], 0, -1, true);
    return jobs.map((j) => j.data).sort((a, b) => a.url.localeCompare(b.url));
  };
  return {
    prefix,
    redis,
    server,
    fetcher,
    ingestQueue,
    state,
    deps,
    source: (id, path, extra = {}) => sourceSchema.parse({ id, url: server.url(path), ...extra }),
    queuedJobs,
    queuedUrls: async () => (await queuedJobs()).map((d) => d.url),
    async cleanup() {
      await ingestQueue.close();
      await fetcher.close();
      await server.close();
      await deleteKeys(redis, prefix);
      await redis.quit();
    },
  };
}
