/**
 * The ingest worker process: builds the processor's dependencies from the settings, runs a BullMQ
 * Worker, and shuts down gracefully. On SIGTERM/SIGINT it stops taking jobs, lets running ones
 * finish within the deadline, then aborts them through their AbortSignal, closes every connection
 * and exits 0. A job of a worker killed outright is picked up again by stalled-job recovery; the
 * store's upsert makes the second run harmless.
 */
import { MetricsTime, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Settings } from '../src/config/settings.js';
import { createFetcher, HostPacer, type Fetcher } from '../src/fetch/index.js';
import { openStore, type Store } from '../src/store/index.js';
import { createIngestProcessor, type IngestOutcome } from './ingest-processor.js';
import type { IngestJobData, IngestJobResult } from './ingest-job.js';
import { QUEUE, redisConnection } from './queues.js';

export interface RunningWorker {
  worker: Worker<IngestJobData, IngestJobResult>;
  store: Store;
  fetcher: Fetcher;
  /** Graceful stop: wait for running jobs up to `deadlineMs`, then abort them; close everything. */
  stop(deadlineMs?: number): Promise<void>;
}

export interface WorkerOverrides {
  concurrency?: number;
  store?: Store;
  onOutcome?: (o: IngestOutcome) => void;
}

export async function startIngestWorker(settings: Settings, logger: Logger, overrides: WorkerOverrides = {}): Promise<RunningWorker> {
  if (!settings.redisUrl) throw new Error('startIngestWorker needs settings.redisUrl');
  const store = overrides.store ?? (await openStore(settings.databaseUrl));
  const fetcher = createFetcher({
    userAgent: settings.userAgent,
    allowCidrs: settings.allowCidrs,
    headersTimeoutMs: settings.headersTimeoutMs,
    bodyTimeoutMs: settings.bodyTimeoutMs,
    totalTimeoutMs: settings.totalTimeoutMs,
    maxBytes: settings.maxBytes,
  });
  const connection = redisConnection(settings.redisUrl);
  const pacerRedis: Redis = redisConnection(settings.redisUrl);
  const pacer = new HostPacer(pacerRedis, { keyPrefix: `${settings.queuePrefix}:pace:` });
  const processor = createIngestProcessor({
    fetcher,
    store,
    pacer,
    logger: logger.child({ component: 'ingest' }),
    hostGapMs: settings.hostGapMs,
    onOutcome: overrides.onOutcome,
  });
  const worker = new Worker<IngestJobData, IngestJobResult>(QUEUE.ingest, processor, {
    connection,
    prefix: settings.queuePrefix,
    concurrency: overrides.concurrency ?? settings.concurrency,
    // Throughput history for the dashboard (bull-board reads these).
    metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
    // A job whose worker died is retried once more; a page that kills workers twice fails for good.
    maxStalledCount: 2,
    lockDuration: settings.lockMs,
    stalledInterval: settings.stalledIntervalMs,
  });
  worker.on('error', (err) => logger.error({ err }, 'worker error'));
  worker.on('failed', (job, err) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) logger.warn({ jobId: job.id, url: job.data.url }, `gave up: ${err.message}`);
  });
  await worker.waitUntilReady();
  logger.info({ concurrency: worker.concurrency, prefix: settings.queuePrefix }, 'ingest worker started');

  let stopping: Promise<void> | undefined;
  const stop = (deadlineMs: number = settings.shutdownMs) => {
    stopping ??= (async () => {
      logger.info({ deadlineMs }, 'stopping: no new jobs, waiting for running ones');
      const closed = worker.close();
      const timedOut = await Promise.race([
        closed.then(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(true), deadlineMs).unref()),
      ]);
      if (timedOut) {
        logger.warn('deadline reached: aborting running jobs');
        worker.cancelAllJobs('shutdown');
        await closed;
      }
      await Promise.allSettled([fetcher.close(), pacerRedis.quit(), connection.quit()]);
      if (!overrides.store) await store.close();
      logger.info('stopped');
    })();
    return stopping;
  };
  return { worker, store, fetcher, stop };
}
