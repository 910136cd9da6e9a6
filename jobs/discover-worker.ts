/**
 * The discover worker: polls sources as their schedulers fire and queues the new article URLs on
 * the ingest queue. It shares the ingest worker's politeness: the same fetcher policy and the same
 * per-host pacing keys in Redis, so a feed and the pages it links take turns on one host.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Settings } from '../src/config/settings.js';
import { hostGapMs, parseAllowList, type Fetcher, type HostPacer } from '../src/fetch/index.js';
import { createSettingsFetcher, createSettingsPacer } from './fetching.js';
import { SourceStateStore, type PollDeps, type PollReport } from '../src/sources/index.js';
import { openStore, type Store } from '../src/store/index.js';
import { createDiscoverProcessor } from './discover-processor.js';
import { DISCOVER_QUEUE, type DiscoverJobData, type DiscoverJobResult } from './discover-job.js';
import type { IngestJobData, IngestJobResult } from './ingest-job.js';
import { QUEUE, queueOptions, redisConnection } from './queues.js';

export interface RunningDiscovery {
  worker: Worker<DiscoverJobData, DiscoverJobResult>;
  /** Stops taking jobs, waits for running polls up to `deadlineMs`, then aborts them; closes everything. */
  stop(deadlineMs?: number): Promise<void>;
}

export interface DiscoveryOverrides {
  /** Polls at once. @defaultValue 2 */
  concurrency?: number;
  /** The store used to skip URLs already stored; opened from settings.databaseUrl when absent. */
  store?: Store;
  onReport?: (report: PollReport) => void;
}

/** Sleeps until the host's pacing slot is free (a poll is a few requests; holding its slot is fine). */
function hostWaiter(fetcher: Fetcher, pacer: HostPacer, baseGapMs: number) {
  return async (url: string, signal?: AbortSignal): Promise<void> => {
    const host = new URL(url).hostname;
    const gap = hostGapMs(baseGapMs, await fetcher.robots.crawlDelayMs(url, signal));
    if (gap <= 0) return;
    for (;;) {
      const slot = await pacer.reserve(host, gap);
      if (slot.ok) return;
      await sleep(slot.waitMs, undefined, { signal });
    }
  };
}

export interface OpenPollDeps {
  deps: PollDeps;
  /** Closes what was opened here (the store only when it was not passed in). */
  close(): Promise<void>;
}

/** Everything a poll needs, built from the settings: used by the worker and `sources run`. */
export async function openPollDeps(settings: Settings & { redisUrl: string }, logger: Logger, store?: Store): Promise<OpenPollDeps> {
  const ownStore = store === undefined;
  const theStore = store ?? (await openStore(settings.databaseUrl));
  const fetcher = createSettingsFetcher(settings);
  const redis = redisConnection(settings.redisUrl);
  const ingestQueue = new Queue<IngestJobData, IngestJobResult>(QUEUE.ingest, queueOptions(redis, settings));
  const pacer = createSettingsPacer(redis, settings);
  const deps: PollDeps = {
    fetcher,
    state: new SourceStateStore(redis, { prefix: settings.queuePrefix }),
    ingestQueue,
    allow: parseAllowList(settings.allowCidrs),
    store: theStore,
    feedMaxBytes: settings.maxBytes,
    waitForHost: hostWaiter(fetcher, pacer, settings.hostGapMs),
    logger,
  };
  return {
    deps,
    async close() {
      await ingestQueue.close();
      await Promise.allSettled([fetcher.close(), redis.quit()]);
      if (ownStore) await theStore.close();
    },
  };
}

export async function startDiscoveryWorker(settings: Settings, logger: Logger, overrides: DiscoveryOverrides = {}): Promise<RunningDiscovery> {
  if (!settings.redisUrl) throw new Error('startDiscoveryWorker needs settings.redisUrl');
  const log = logger.child({ component: 'discover' });
  const { deps, close } = await openPollDeps({ ...settings, redisUrl: settings.redisUrl }, log, overrides.store);
  const workerConnection = redisConnection(settings.redisUrl);
  const onReport = (r: PollReport) => {
    overrides.onReport?.(r);
    log.info({ source: r.sourceId, status: r.status, reason: r.reason, found: r.found, enqueued: r.enqueued }, r.message ?? r.status);
  };
  const worker = new Worker<DiscoverJobData, DiscoverJobResult>(DISCOVER_QUEUE, createDiscoverProcessor(deps, onReport), {
    connection: workerConnection,
    prefix: settings.queuePrefix,
    concurrency: overrides.concurrency ?? 2,
    // A poll of a large sitemap index can take a while; its lock is renewed meanwhile.
    lockDuration: 120_000,
  });
  worker.on('error', (err) => log.error({ err }, 'discover worker error'));
  await worker.waitUntilReady();
  log.info({ prefix: settings.queuePrefix }, 'discover worker started');

  let stopping: Promise<void> | undefined;
  const stop = (deadlineMs: number = settings.shutdownMs) => {
    stopping ??= (async () => {
      const closed = worker.close();
      const timedOut = await Promise.race([closed.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), deadlineMs).unref())]);
      if (timedOut) {
        worker.cancelAllJobs('shutdown');
        await closed;
      }
      await close();
      await workerConnection.quit();
    })();
    return stopping;
  };
  return { worker, stop };
}
