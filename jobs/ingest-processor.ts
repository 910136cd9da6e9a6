/**
 * The ingest job: fetch → extract → store for one URL. This is the queue-side adapter around the
 * pure pipeline: it decides politeness (pacing by delaying the job, never by sleeping in a worker
 * slot), maps typed errors to BullMQ's retry policy, and records every attempt's outcome so a
 * person can ask why a URL has no article.
 */
import { DelayedError, UnrecoverableError, type Job, type Processor } from 'bullmq';
import type { Logger } from 'pino';
import { FetchError, hostGapMs, type Fetcher, type HostPacer } from '../src/fetch/index.js';
import type { Store } from '../src/store/index.js';
import type { AttemptInput } from '../src/store/types.js';
import { NewsworkerError } from '../src/errors.js';
import { extractInProcess, type Extract } from './extract-sandbox.js';
import type { IngestJobData, IngestJobResult } from './ingest-job.js';

export interface IngestDeps {
  fetcher: Fetcher;
  store: Store;
  pacer: HostPacer;
  logger: Logger;
  /** The minimum gap between two requests to one host (NEWSWORKER_HOST_GAP_MS). */
  hostGapMs: number;
  /** Called with each job's outcome, for metrics. */
  onOutcome?: (outcome: IngestOutcome) => void;
  /** How pages are extracted: in a sandbox of worker threads (./extract-sandbox.ts) or in process (the default). */
  extract?: Extract;
}

export interface IngestOutcome {
  status: AttemptInput['status'];
  reason: string | null;
  fetchMs?: number;
  extractMs?: number;
  site: string;
}

/** A 429 or 503 without Retry-After still backs the host off for this long. */
const DEFAULT_HOST_PENALTY_MS = 30_000;

/** Spreads jobs delayed for the same host so they don't all wake at the same millisecond. */
const PACING_JITTER_MS = 250;

export function createIngestProcessor(deps: IngestDeps): Processor<IngestJobData, IngestJobResult> {
  return async (job, token, signal) => {
    const started = Date.now();
    const url = job.data.url;
    // A job added around enqueue (dashboard, script) may carry anything: it must still fail once, as
    // bad_url with its attempt recorded, not as an unexplained TypeError retried `attempts` times.
    const host = URL.canParse(url) ? new URL(url).hostname : '';
    const attempt = job.attemptsMade + 1;
    const record = async (entry: Omit<AttemptInput, 'url' | 'jobId' | 'attempt' | 'at'>) => {
      await deps.store.recordAttempt({ ...entry, url, jobId: job.id ?? null, attempt, at: new Date().toISOString() });
      deps.onOutcome?.({ status: entry.status, reason: entry.reason ?? null, ...entry.timings, site: host });
    };

    let fetchMs: number | undefined;
    try {
      if (!URL.canParse(url)) throw new FetchError('bad_url', `not an absolute URL: ${JSON.stringify(url.slice(0, 200))}`, { url });
      await waitForHostSlot(job, token, url, host, deps, signal);

      const validators = await deps.store.getValidators(url);
      const fetchStarted = Date.now();
      const page = await deps.fetcher.fetchPage(url, { etag: validators?.etag, lastModified: validators?.lastModified, signal });
      fetchMs = Date.now() - fetchStarted;
      if (page.notModified) {
        await record({ status: 'not_modified', httpStatus: page.status, timings: { fetchMs, totalMs: Date.now() - started } });
        return { status: 'not_modified' };
      }

      const fetchedAt = new Date().toISOString();
      const extractStarted = Date.now();
      const article = await (deps.extract ?? extractInProcess)(page.body, {
        url: page.url,
        contentType: page.headers['content-type'],
        fetchedAt,
        fallback: job.data.hints,
      });
      const extractMs = Date.now() - extractStarted;
      if (article === null) throw new NewsworkerError('no_article', `no article found at ${page.url}`);

      // The ok attempt is written with the article, in its transaction (one write less per page,
      // and never an article without its attempt), so its totalMs ends where the save begins.
      const timings = { fetchMs, extractMs, totalMs: Date.now() - started };
      const saved = await deps.store.saveArticle(
        article,
        { body: page.body, headers: page.headers, url: page.url, fetchedAt },
        { url, jobId: job.id ?? null, attempt, at: new Date().toISOString(), httpStatus: page.status, timings },
      );
      deps.onOutcome?.({ status: 'ok', reason: saved.outcome, ...timings, site: host });
      if (page.etag !== null || page.lastModified !== null) {
        // Only a hint for the next fetch's conditional GET: the article and its attempt are stored,
        // so a failure here costs one full re-fetch later, not a retry of this job.
        await deps.store.setValidators(url, { etag: page.etag, lastModified: page.lastModified }).catch((err: unknown) => {
          deps.logger.warn({ err, url }, 'could not keep the validators');
        });
      }
      return { status: saved.outcome, articleId: article.id, version: saved.version, duplicateOf: saved.duplicateOf };
    } catch (err) {
      if (err instanceof DelayedError) throw err;
      if (signal?.aborted) throw await handBack(job, token, record, started);
      throw await failure(err, { job, host, deps, record, fetchMs, started });
    }
  };
}

/**
 * Per-host pacing shared by every worker through Redis. When the host's slot is taken, the job
 * goes back to the delayed set until the slot is free, and the worker slot serves another host.
 */
async function waitForHostSlot(
  job: Job<IngestJobData, IngestJobResult>,
  token: string | undefined,
  url: string,
  host: string,
  deps: IngestDeps,
  signal: AbortSignal | undefined,
): Promise<void> {
  const crawlDelayMs = await deps.fetcher.robots.crawlDelayMs(url, signal);
  const gap = hostGapMs(deps.hostGapMs, crawlDelayMs);
  if (gap <= 0) return;
  const slot = await deps.pacer.reserve(host, gap);
  if (slot.ok) return;
  await job.moveToDelayed(Date.now() + slot.waitMs + Math.floor(Math.random() * PACING_JITTER_MS), token);
  throw new DelayedError();
}

/**
 * The worker aborted this job (the shutdown deadline passed): nothing is wrong with the page, so it
 * goes back to the queue at once without using up an attempt. Counted as a failure, a job on its
 * last attempt would be given up for good by a routine restart.
 */
async function handBack(
  job: Job<IngestJobData, IngestJobResult>,
  token: string | undefined,
  record: FailureContext['record'],
  started: number,
): Promise<DelayedError> {
  await record({ status: 'delayed', reason: 'shutdown', timings: { totalMs: Date.now() - started } });
  await job.moveToDelayed(Date.now(), token);
  return new DelayedError();
}

interface FailureContext {
  job: Job<IngestJobData, IngestJobResult>;
  host: string;
  deps: IngestDeps;
  record: (entry: Omit<AttemptInput, 'url' | 'jobId' | 'attempt' | 'at'>) => Promise<void>;
  fetchMs: number | undefined;
  started: number;
}

/**
 * Records the failed attempt and returns the error BullMQ should see: the same error for a
 * transient failure (retried with backoff), an UnrecoverableError for a permanent one.
 */
async function failure(err: unknown, c: FailureContext): Promise<Error> {
  const typed = err instanceof NewsworkerError ? err : null;
  const reason = typed?.reason ?? 'internal_error';
  const retryable = typed ? typed.retryable : true;
  const httpStatus = err instanceof FetchError ? (err.status ?? null) : null;

  if (err instanceof FetchError && (err.status === 429 || err.status === 503)) {
    await c.deps.pacer.penalize(c.host, err.retryAfterMs ?? DEFAULT_HOST_PENALTY_MS);
  }
  const lastAttempt = c.job.attemptsMade + 1 >= (c.job.opts.attempts ?? 1);
  const status = retryable && !lastAttempt ? 'retrying' : 'failed';
  const message = err instanceof Error ? err.message : String(err);
  try {
    await c.record({ status, reason, httpStatus, timings: { fetchMs: c.fetchMs, totalMs: Date.now() - c.started } });
  } catch (recordErr) {
    // The store itself failing is the more urgent problem: let BullMQ retry the whole job.
    c.deps.logger.error({ err: recordErr, url: c.job.data.url }, 'could not record the attempt');
    return recordErr instanceof Error ? recordErr : new Error(String(recordErr));
  }
  c.deps.logger.warn({ url: c.job.data.url, jobId: c.job.id, reason, retryable, attempt: c.job.attemptsMade + 1 }, message);
  // Both kinds lead with the reason code, so a job's failedReason (dashboard, `gave up` log) says
  // why without a look into the store.
  const summary = `${reason}: ${message}`;
  return retryable ? new Error(summary, { cause: err }) : new UnrecoverableError(summary);
}
