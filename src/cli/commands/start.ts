/**
 * `newsworker start`: the whole service in one process, as the README's first command runs it.
 * With no REDIS_URL it starts a local Redis (AOF, noeviction, data under ./data); with no
 * DATABASE_URL it stores into SQLite at ./data/newsworker.db.
 */
import type { Command } from 'commander';
import { loadSettings } from '../../config/settings.js';
import { createLogger } from '../../observability/logger.js';
import { startLocalRedis, warnIfEvicting } from '../../service/local-redis.js';
import { startIngestWorker } from '../../../jobs/worker.js';
import { redisConnection } from '../../../jobs/queues.js';
import { positiveInt } from '../options.js';
import { untilSignal } from './worker.js';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run the service: the ingest worker (and a local Redis when REDIS_URL is unset)')
    .option('-c, --concurrency <n>', 'jobs processed at once', positiveInt)
    .option('--data <dir>', 'where the local Redis and the default SQLite database keep their files', './data')
    .action(async (flags: { concurrency?: number; data: string }) => {
      const settings = loadSettings();
      const logger = createLogger(settings.logLevel);
      const localRedis = settings.redisUrl ? null : await startLocalRedis(flags.data, logger);
      const redisUrl = settings.redisUrl ?? localRedis!.url;
      const probe = redisConnection(redisUrl);
      await warnIfEvicting(probe, logger);
      await probe.quit();

      const worker = await startIngestWorker({ ...settings, redisUrl }, logger, { concurrency: flags.concurrency });
      logger.info('newsworker is running: enqueue URLs with `newsworker enqueue <url>` (REDIS_URL=%s)', redisUrl);
      const signal = await untilSignal();
      logger.info({ signal }, 'shutting down');
      await worker.stop();
      await localRedis?.stop();
    });
}
