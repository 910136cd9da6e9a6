/**
 * `startApiServer`: the HTTP server beside the worker (or alone, `newsworker serve`). It owns its
 * Redis connection and queue handles; the store and the metrics can be shared with a worker in the
 * same process, so `/metrics` shows that worker's fetches and jobs.
 */
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Settings } from '../config/settings.js';
import { ConfigError } from '../errors.js';
import { parseAllowList } from '../fetch/index.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { openStore, type Store } from '../store/index.js';
import { QUEUE, queueOptions, redisConnection } from '../../jobs/queues.js';
import type { IngestJobData, IngestJobResult } from '../../jobs/ingest-job.js';
import { DISCOVER_QUEUE, type DiscoverJobData, type DiscoverJobResult } from '../../jobs/discover-job.js';
import { buildApp } from './app.js';
import { assertBindAllowed } from './auth.js';
import type { ApiLimits, SourcesService } from './deps.js';
import { createSourcesService } from './sources-service.js';

export interface ApiServerDeps {
  /** Shared with the worker when both run in one process; opened from DATABASE_URL (and closed on stop) when omitted. */
  store?: Store;
  /** Shared with the worker (its `onOutcome`); a fresh registry when omitted. */
  metrics?: Metrics;
  /** The sources of the sources file (NEWSWORKER_SOURCES) when omitted. */
  sources?: SourcesService;
  /** More queues for the dashboard and the depth metrics, beside the ingest and discover queues. */
  extraQueues?: readonly Queue[];
  limits?: Partial<ApiLimits>;
  /** Turn on bull-board's retry/clean/remove actions. */
  dashboardWritable?: boolean;
}

export interface RunningApiServer {
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  app: FastifyInstance;
  metrics: Metrics;
  /** Stops accepting connections, lets running requests finish, closes what it opened. */
  stop(): Promise<void>;
}

export async function startApiServer(settings: Settings, logger: Logger, deps: ApiServerDeps = {}): Promise<RunningApiServer> {
  if (!settings.redisUrl) throw new ConfigError('the API server needs REDIS_URL');
  const credentials = { apiToken: settings.apiToken, adminUser: settings.adminUser, adminPassword: settings.adminPassword };
  assertBindAllowed(settings.host, credentials);

  const store = deps.store ?? (await openStore(settings.databaseUrl));
  const connection = redisConnection(settings.redisUrl);
  const ingestQueue = new Queue<IngestJobData, IngestJobResult>(QUEUE.ingest, queueOptions(connection, { ...settings, redisUrl: settings.redisUrl }));
  const discoverQueue = new Queue<DiscoverJobData, DiscoverJobResult>(DISCOVER_QUEUE, { connection, prefix: settings.queuePrefix });
  const queues = [ingestQueue as unknown as Queue, discoverQueue as unknown as Queue, ...(deps.extraQueues ?? [])];
  const sources = deps.sources ?? createSourcesService({ sourcesFile: settings.sourcesFile, redis: connection, queuePrefix: settings.queuePrefix, discoverQueue });
  const metrics = deps.metrics ?? createMetrics();
  metrics.watchQueues(queues);
  metrics.watchStore(() => store.countArticles());

  const app = await buildApp({
    logger,
    store,
    ingestQueue,
    queues,
    redis: connection,
    metrics,
    credentials,
    allow: parseAllowList(settings.allowCidrs),
    sources,
    limits: deps.limits,
    dashboardWritable: deps.dashboardWritable,
  });
  const address = await app.listen({ host: settings.host, port: settings.port });
  const bound = app.server.address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : settings.port;
  const url = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}`;
  logger.info({ url, address, auth: credentials.apiToken !== undefined || credentials.adminUser !== undefined }, 'API server listening');

  let stopping: Promise<void> | undefined;
  return {
    url,
    app,
    metrics,
    stop() {
      stopping ??= (async () => {
        await app.close();
        await Promise.all([ingestQueue.close(), discoverQueue.close()]);
        await connection.quit().catch(() => connection.disconnect());
        if (!deps.store) await store.close();
      })();
      return stopping;
    },
  };
}
