/**
 * Prometheus metrics (prom-client), one registry per process. The worker's `onOutcome` hook feeds
 * the fetch, extraction and job counters; queue depths and the article count are read when
 * Prometheus scrapes, so they are never stale and cost nothing between scrapes.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { IngestOutcome } from '../../jobs/ingest-processor.js';
import type { IngestJobResult } from '../../jobs/ingest-job.js';
import { TRANSIENT_REASONS, PERMANENT_REASONS } from '../fetch/errors.js';
import { withTimeout } from '../http/with-timeout.js';

/** What a scrape needs from a queue: BullMQ's `Queue` fits. */
export interface DepthSource {
  readonly name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

export interface MetricsOptions {
  /** Node.js process metrics (heap, event loop lag, GC). @defaultValue true */
  defaultMetrics?: boolean;
  /** A scrape gives up on a slow Redis or database after this long and reports what it has. @defaultValue 1500 */
  scrapeTimeoutMs?: number;
}

export interface Metrics {
  readonly registry: Registry;
  /** Pass as the worker's `onOutcome`. */
  recordOutcome(outcome: IngestOutcome): void;
  /** Call with each completed job's return value (worker `completed` event): counts duplicates. */
  recordResult(result: IngestJobResult | undefined): void;
  /** Report these queues' depths on every scrape (replaces earlier ones). */
  watchQueues(queues: readonly DepthSource[]): void;
  /** Report the stored article count on every scrape. */
  watchStore(countArticles: () => Promise<number>): void;
}

const DEPTH_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
const FETCH_REASONS: ReadonlySet<string> = new Set<string>([...TRANSIENT_REASONS, ...PERMANENT_REASONS]);
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The HTTP status class a fetch ended with, or `none` when no response came (DNS, connection,
 * timeout, policy). Null when the outcome involved no fetch at all (e.g. pacing delays).
 */
export function fetchLabels(o: Pick<IngestOutcome, 'status' | 'reason' | 'fetchMs'>): { status_class: string; reason: string } | null {
  if (o.status === 'delayed') return null;
  if (o.status === 'ok') return { status_class: '2xx', reason: 'ok' };
  if (o.status === 'not_modified') return { status_class: '3xx', reason: 'not_modified' };
  const reason = o.reason ?? 'unknown';
  if (FETCH_REASONS.has(reason)) {
    const m = /^http_(\d)/.exec(reason);
    return { status_class: m ? `${m[1]}xx` : 'none', reason };
  }
  // The fetch succeeded and a later stage (extraction, storage) failed.
  return o.fetchMs === undefined ? null : { status_class: '2xx', reason: 'ok' };
}

export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'newsworker_' });
  const timeoutMs = opts.scrapeTimeoutMs ?? 1500;
  let queues: readonly DepthSource[] = [];
  let countArticles: (() => Promise<number>) | null = null;

  const fetches = new Counter({
    name: 'newsworker_fetches_total',
    help: 'Page fetches by HTTP status class (none: no response) and reason',
    labelNames: ['status_class', 'reason'],
    registers: [registry],
  });
  const fetchSeconds = new Histogram({
    name: 'newsworker_fetch_duration_seconds',
    help: 'Time to fetch one page',
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const extractSeconds = new Histogram({
    name: 'newsworker_extraction_duration_seconds',
    help: 'Time to extract one article from a fetched page',
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const completed = new Counter({
    name: 'newsworker_jobs_completed_total',
    help: 'Ingest jobs that completed, by result (inserted, updated, unchanged, not_modified)',
    labelNames: ['result'],
    registers: [registry],
  });
  const failed = new Counter({
    name: 'newsworker_jobs_failed_total',
    help: 'Ingest job attempts that failed, by reason; final="false" when a retry follows',
    labelNames: ['reason', 'final'],
    registers: [registry],
  });
  const saved = new Counter({
    name: 'newsworker_articles_saved_total',
    help: 'Articles written to the store, by outcome (inserted, updated)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const duplicates = new Counter({
    name: 'newsworker_duplicates_found_total',
    help: 'Newly inserted articles found to be near-duplicates of an earlier one',
    registers: [registry],
  });

  new Gauge({
    name: 'newsworker_queue_jobs',
    help: 'Jobs per queue and state, read at scrape time',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      const counts = await Promise.all(queues.map((q) => withTimeout(q.getJobCounts(...DEPTH_STATES), timeoutMs).catch(() => null)));
      this.reset();
      queues.forEach((q, i) => {
        for (const state of DEPTH_STATES) {
          const n = counts[i]?.[state];
          if (n !== undefined) this.set({ queue: q.name, state }, n);
        }
      });
    },
  });
  new Gauge({
    name: 'newsworker_articles_stored',
    help: 'Articles in the store, read at scrape time',
    registers: [registry],
    async collect() {
      if (countArticles === null) return;
      const n = await withTimeout(countArticles(), timeoutMs).catch(() => null);
      if (n !== null) this.set(n);
    },
  });

  return {
    registry,
    recordOutcome(o) {
      const labels = fetchLabels(o);
      if (labels) fetches.inc(labels);
      if (o.fetchMs !== undefined) fetchSeconds.observe(o.fetchMs / 1000);
      if (o.extractMs !== undefined) extractSeconds.observe(o.extractMs / 1000);
      switch (o.status) {
        case 'ok':
          completed.inc({ result: o.reason ?? 'ok' });
          if (o.reason === 'inserted' || o.reason === 'updated') saved.inc({ outcome: o.reason });
          break;
        case 'not_modified':
          completed.inc({ result: 'not_modified' });
          break;
        case 'failed':
        case 'retrying':
          failed.inc({ reason: o.reason ?? 'unknown', final: o.status === 'failed' ? 'true' : 'false' });
          break;
        case 'delayed':
          break;
      }
    },
    watchQueues(list) {
      queues = list;
    },
    watchStore(count) {
      countArticles = count;
    },
    recordResult(result) {
      if (result && result.status === 'inserted' && result.duplicateOf !== null) duplicates.inc();
    },
  };
}
