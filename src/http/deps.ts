/** What the HTTP app is built from: every dependency passed in, so tests build it against real services. */
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { AllowList } from '../fetch/index.js';
import type { Store } from '../store/index.js';
import type { Metrics } from '../observability/metrics.js';
import type { IngestJobData, IngestJobResult } from '../../jobs/ingest-job.js';
import type { Credentials } from './auth.js';

/** Scheduled-ingestion sources, when that part of the service is present. */
export interface SourcesService {
  list(): Promise<SourceSummary[]>;
  /** Queues a poll of one source now; null when there is no such source. */
  run(id: string): Promise<{ id: string; jobId: string } | null>;
}

export interface SourceSummary {
  id: string;
  url: string;
  kind: string | null;
  enabled: boolean;
  /** As `newsworker sources list` prints it, e.g. "every 15m", or the cron line and its time zone. */
  schedule: string;
  lastPollAt: string | null;
  lastOutcome: string | null;
  itemsFound: number;
  nextRunAt: string | null;
}

export interface ApiLimits {
  /** Largest request body, bytes. */
  bodyLimit: number;
  /** Most URLs in one `POST /api/ingest`; more answers 413. */
  maxIngestUrls: number;
  /** Requests per minute per client address on `/api`. */
  rateLimitPerMinute: number;
  /** Whole-request deadline (headers and body), ms. */
  requestTimeoutMs: number;
  /** Idle socket deadline, ms. */
  connectionTimeoutMs: number;
  /** How long a readiness probe waits for Redis or the database, ms. */
  readinessTimeoutMs: number;
}

export const DEFAULT_LIMITS: ApiLimits = {
  bodyLimit: 256 * 1024,
  maxIngestUrls: 500,
  rateLimitPerMinute: 1200,
  requestTimeoutMs: 30_000,
  connectionTimeoutMs: 60_000,
  readinessTimeoutMs: 1500,
};

export interface AppDeps {
  logger: Logger;
  store: Store;
  ingestQueue: Queue<IngestJobData, IngestJobResult>;
  /** Every queue the dashboard shows; the ingest queue when omitted. */
  queues?: readonly Queue[];
  /** Answers PING: the queues' Redis, for readiness. */
  redis: { ping(): Promise<unknown> };
  metrics: Metrics;
  credentials: Credentials;
  /** The SSRF allowlist URLs are checked against before they are queued. */
  allow: AllowList;
  sources?: SourcesService;
  limits?: Partial<ApiLimits>;
  /** bull-board's retry/clean/remove actions; off unless set. */
  dashboardWritable?: boolean;
}
