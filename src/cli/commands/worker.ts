/** `newsworker worker`: run the ingest worker until SIGTERM/SIGINT. */
import type { Command } from 'commander';
import { loadSettings } from '../../config/settings.js';
import { createLogger } from '../../observability/logger.js';
import { startIngestWorker } from '../../../jobs/worker.js';
import { CliFailure, EXIT } from '../exit-codes.js';
import { positiveInt } from '../options.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run the ingest worker (fetch, extract, store) until SIGTERM or SIGINT')
    .option('-c, --concurrency <n>', 'jobs processed at once', positiveInt)
    .action(async (flags: { concurrency?: number }) => {
      const settings = loadSettings();
      if (!settings.redisUrl) throw new CliFailure(EXIT.badUsage, 'REDIS_URL is not set: point it at the Redis of the queues (or use `newsworker start`)');
      const logger = createLogger(settings.logLevel);
      const running = await startIngestWorker(settings, logger, { concurrency: flags.concurrency });
      await untilSignal();
      await running.stop();
    });
}

/** Resolves on the first SIGTERM or SIGINT. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(sig);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}
