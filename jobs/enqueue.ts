/**
 * Putting URLs on the ingest queue, shared by the CLI, the API and the feed poller. Each URL is
 * normalized and checked before it is queued, so a person learns at once why a URL was refused;
 * the worker checks again when it fetches (jobs can also be added from a dashboard).
 */
import type { Queue } from 'bullmq';
import { checkUrl, type AllowList } from '../src/fetch/index.js';
import { NewsworkerError } from '../src/errors.js';
import { normalizeUrl } from '../src/pipeline/normalize/index.js';
import { ingestJobId } from './job-id.js';
import type { IngestHints, IngestJobData, IngestJobResult } from './ingest-job.js';

export type EnqueueOutcome =
  | { url: string; accepted: true; normalizedUrl: string; jobId: string }
  | { url: string; accepted: false; reason: string; message: string };

export interface EnqueueRequest {
  url: string;
  hints?: IngestHints;
}

/** The one check every entry point makes before queueing: a normalized, fetchable http(s) URL. */
export function validateUrl(url: string, allow: AllowList): EnqueueOutcome {
  let normalized: string | null;
  try {
    normalized = normalizeUrl(url.trim());
  } catch {
    normalized = null;
  }
  if (normalized === null) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url.trim())?.[1]?.toLowerCase();
    return scheme && scheme !== 'http' && scheme !== 'https'
      ? { url, accepted: false, reason: 'bad_scheme', message: `only http(s) URLs are ingested, not ${scheme}:` }
      : { url, accepted: false, reason: 'bad_url', message: 'not an absolute http(s) URL' };
  }
  try {
    checkUrl(normalized, allow);
  } catch (err) {
    if (err instanceof NewsworkerError) return { url, accepted: false, reason: err.reason, message: err.message };
    throw err;
  }
  return { url, accepted: true, normalizedUrl: normalized, jobId: ingestJobId(normalized) };
}

export async function enqueueUrls(
  queue: Queue<IngestJobData, IngestJobResult>,
  requests: readonly EnqueueRequest[],
  opts: { allow: AllowList; origin: string },
): Promise<EnqueueOutcome[]> {
  const outcomes = requests.map((r) => validateUrl(r.url, opts.allow));
  const now = new Date().toISOString();
  const jobs = outcomes.flatMap((o, i) =>
    o.accepted
      ? [{ name: 'ingest', data: { url: o.normalizedUrl, origin: opts.origin, hints: requests[i]!.hints, enqueuedAt: now }, opts: { jobId: o.jobId } }]
      : [],
  );
  if (jobs.length > 0) await queue.addBulk(jobs);
  return outcomes;
}
