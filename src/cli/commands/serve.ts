/**
 * `newsworker serve`: the HTTP API, dashboards and metrics, until SIGTERM/SIGINT. It serves what
 * the workers (other processes) put in Redis and the database; `/metrics` here has the queue depths
 * and the article count, while fetch and job counters live in the process that runs a worker.
 */
import type { Command } from 'commander';
import { loadSettings } from '../../config/settings.js';
import { startApiServer } from '../../http/server.js';
import { createLogger } from '../../observability/logger.js';
import { CliFailure, EXIT } from '../exit-codes.js';
import { untilSignal } from './worker.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API, the queue dashboard and the article inspector (HOST, PORT; REDIS_URL needed)')
    .action(async () => {
      const settings = loadSettings();
      if (!settings.redisUrl) throw new CliFailure(EXIT.badUsage, 'REDIS_URL is not set: point it at the Redis of the queues (or use `newsworker start`)');
      const logger = createLogger(settings.logLevel);
      const server = await startApiServer(settings, logger);
      logger.info(`API at ${server.url}/api, dashboard at ${server.url}/admin/queues, docs at ${server.url}/docs`);
      const signal = await untilSignal();
      logger.info({ signal }, 'shutting down');
      await server.stop();
    });
}
