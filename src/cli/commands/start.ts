/**
 * `newsworker start`: the whole service in one process, as the README's first command runs it:
 * the ingest worker, the scheduler (one Job Scheduler per source, synced from the sources file)
 * with its discovery worker, and the HTTP API with the queue dashboard, the article inspector and
 * /metrics. With no REDIS_URL it starts a local Redis (AOF, noeviction, data under ./data); with
 * no DATABASE_URL it stores into SQLite at ./data/newsworker.db.
 */
import type { Command } from 'commander';
import { loadSettings } from '../../config/settings.js';
import { createLogger } from '../../observability/logger.js';
import { createMetrics } from '../../observability/metrics.js';
import { startLocalRedis, warnIfEvicting } from '../../service/local-redis.js';
import { startApiServer } from '../../http/server.js';
import { startIngestWorker } from '../../../jobs/worker.js';
import { startDiscoveryWorker } from '../../../jobs/discover-worker.js';
import { syncSchedules } from '../../../jobs/schedule.js';
import { redisConnection } from '../../../jobs/queues.js';
import { positiveInt } from '../options.js';
import { untilSignal } from './worker.js';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run the service: ingest worker, scheduler, API and dashboard (and a local Redis when REDIS_URL is unset)')
    .option('-c, --concurrency <n>', 'ingest jobs processed at once', positiveInt)
    .option('--data <dir>', 'where the local Redis and the default SQLite database keep their files', './data')
    .option('--no-api', 'run without the HTTP API and dashboard')
    .option('--no-schedule', 'run without polling the sources')
    .action(async (flags: { concurrency?: number; data: string; api: boolean; schedule: boolean }) => {
      const settings = loadSettings();
      const logger = createLogger(settings.logLevel);
      const localRedis = settings.redisUrl ? null : await startLocalRedis(flags.data, logger);
      const redisUrl = settings.redisUrl ?? localRedis!.url;
      const probe = redisConnection(redisUrl);
      await warnIfEvicting(probe, logger);
      await probe.quit();
      const running = { ...settings, redisUrl };

      const metrics = createMetrics();
      const worker = await startIngestWorker(running, logger, {
        concurrency: flags.concurrency,
        onOutcome: (o) => metrics.recordOutcome(o),
      });
      worker.worker.on('completed', (job) => metrics.recordResult(job.returnvalue));

      let discovery: Awaited<ReturnType<typeof startDiscoveryWorker>> | null = null;
      if (flags.schedule) {
        const synced = await syncSchedules(running);
        logger.info({ file: synced.file }, 'sources scheduled');
        discovery = await startDiscoveryWorker(running, logger, { store: worker.store });
      }
      const api = flags.api ? await startApiServer(running, logger, { store: worker.store, metrics }) : null;

      logger.info(
        api
          ? `newsworker is running: API ${api.url}/api, dashboard ${api.url}/admin/queues, inspector ${api.url}/admin/articles, docs ${api.url}/docs`
          : 'newsworker is running',
      );
      const signal = await untilSignal();
      logger.info({ signal }, 'shutting down');
      // The API and the discovery worker share the ingest worker's store: they stop first.
      await api?.stop();
      await discovery?.stop();
      await worker.stop();
      await localRedis?.stop();
    });
}
