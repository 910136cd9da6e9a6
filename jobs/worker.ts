/**
 * The ingest worker process: builds the processor's dependencies from the settings, runs a BullMQ
 * Worker, and shuts down gracefully. On SIGTERM/SIGINT it stops taking jobs, lets running ones
 * finish within the deadline, then aborts them through their AbortSignal, closes every connection
 * and exits 0. A job of a worker killed outright is picked up again by stalled-job recovery; the
 * store's upsert makes the second run harmless.
 */
import { MetricsTime, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Settings } from '../src/config/settings.js';
import type { Fetcher } from '../src/fetch/index.js';
import { createSettingsFetcher, createSettingsPacer } from './fetching.js';
import { openStore, type Store } from '../src/store/index.js';
import { createExtractSandbox, type ExtractSandboxOptions } from './extract-sandbox.js';
import { createIngestProcessor, type IngestOutcome } from './ingest-processor.js';
import type { IngestJobData, IngestJobResult } from './ingest-job.js';
import { QUEUE, queueOptions, redisConnection } from './queues.js';
import { Reconciler, type ReconcilerOptions } from './reconciler.js';
import { syncSchedules } from './schedule.js';

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
  /**
   * `sandbox` (the default): extraction in worker threads with heap, stack and time limits, so a
   * hostile page fails its own job; `inline`: in this process (tests, benchmarks). The
   * NEWSWORKER_EXTRACT_ISOLATION setting is the default.
   */
  extractIsolation?: 'sandbox' | 'inline';
  sandbox?: ExtractSandboxOptions;
  /** The outbox reconciler run by this worker (./reconciler.ts); `false`: none. */
  reconciler?: ReconcilerOptions | false;
}

/** BullMQ's message for a job failed because its worker died too often while running it. */
const STALLED_TOO_OFTEN = 'job stalled more than allowable limit';

export async function startIngestWorker(settings: Settings, logger: Logger, overrides: WorkerOverrides = {}): Promise<RunningWorker> {
  if (!settings.redisUrl) throw new Error('startIngestWorker needs settings.redisUrl');
  const concurrency = overrides.concurrency ?? settings.concurrency;
  const store = overrides.store ?? (await openStore(settings.databaseUrl));
  const fetcher = createSettingsFetcher(settings);
  const connection = redisConnection(settings.redisUrl);
  const pacerRedis: Redis = redisConnection(settings.redisUrl);
  const pacer = createSettingsPacer(pacerRedis, settings);
  const isolation = overrides.extractIsolation ?? settings.extractIsolation;
  const sandbox = isolation === 'sandbox' ? createExtractSandbox(overrides.sandbox) : null;
  const processor = createIngestProcessor({
    fetcher,
    store,
    pacer,
    logger: logger.child({ component: 'ingest' }),
    hostGapMs: settings.hostGapMs,
    onOutcome: overrides.onOutcome,
    extract: sandbox?.extract,
  });
  const worker = new Worker<IngestJobData, IngestJobResult>(QUEUE.ingest, processor, {
    connection,
    prefix: settings.queuePrefix,
    concurrency,
    // Throughput history for the dashboard (bull-board reads these).
    metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
    // A job whose worker died is run once more; a page that kills workers twice fails for good
    // (BullMQ fails a job when its stall count exceeds this).
    maxStalledCount: 1,
    lockDuration: settings.lockMs,
    stalledInterval: settings.stalledIntervalMs,
  });
  worker.on('error', (err) => logger.error({ err }, 'worker error'));
  worker.on('failed', (job, err) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) logger.warn({ jobId: job.id, url: job.data.url }, `gave up: ${err.message}`);
    // The processor never saw the runs that killed their workers: record the outcome here, so
    // the URL has its one recorded failure and the reconciler does not queue it again.
    if (job && err.message === STALLED_TOO_OFTEN) {
      const attempt = { url: job.data.url, jobId: job.id ?? null, status: 'failed' as const, reason: 'worker_crashed', attempt: job.attemptsMade + 1, timings: {}, at: new Date().toISOString() };
      store.recordAttempt(attempt).catch((recordErr: unknown) => logger.error({ err: recordErr, url: job.data.url }, 'could not record the attempt'));
    }
  });
  await worker.waitUntilReady();
  const reconciler = overrides.reconciler === false ? null : startReconciler(settings, store, pacerRedis, logger, overrides.reconciler);
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
      await reconciler?.stop();
      await Promise.allSettled([fetcher.close(), pacerRedis.quit(), connection.quit(), sandbox?.close()]);
      if (!overrides.store) await store.close();
      logger.info('stopped');
    })();
    return stopping;
  };
  return { worker, store, fetcher, stop };
}

/**
 * Every worker reconciles the outbox (runs are idempotent, so several at once do no harm). After a
 * Redis wipe the configured sources' schedulers are re-created too.
 */
function startReconciler(settings: Settings, store: Store, redis: Redis, logger: Logger, opts: ReconcilerOptions = {}) {
  const queue = new Queue<IngestJobData, IngestJobResult>(QUEUE.ingest, queueOptions(redis, { ...settings, redisUrl: settings.redisUrl! }));
  const onRedisReset = settings.sourcesFile === undefined ? undefined : () => syncSchedules(settings);
  const reconciler = new Reconciler(store, queue, redis, { onRedisReset, logger: logger.child({ component: 'reconciler' }), ...opts });
  reconciler.start();
  return {
    async stop() {
      await reconciler.stop();
      await queue.close();
    },
  };
}
