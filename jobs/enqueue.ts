/**
 * Putting URLs on the ingest queue, shared by the CLI, the API and the feed poller. Each URL is
 * normalized and checked before it is queued, so a person learns at once why a URL was refused;
 * the worker checks again when it fetches (jobs can also be added from a dashboard).
 */
import type { Queue } from 'bullmq';
import { checkUrl, type AllowList } from '../src/fetch/index.js';
import { NewsworkerError } from '../src/errors.js';
import { normalizeUrl } from '../src/pipeline/normalize/index.js';
import type { Store } from '../src/store/index.js';
import { ingestJobId } from './job-id.js';
import type { IngestHints, IngestJobData, IngestJobResult } from './ingest-job.js';

export type EnqueueOutcome =
  | { url: string; accepted: true; normalizedUrl: string; jobId: string }
  | { url: string; accepted: false; reason: string; message: string };

export interface EnqueueRequest {
  url: string;
  hints?: IngestHints;
}

export type UrlCheck = { accepted: true; normalizedUrl: string } | { accepted: false; reason: string; message: string };

/**
 * The one check every entry point makes before queueing: a normalized, fetchable http(s) URL.
 * The feed poller checks every URL a sitemap lists (see urlCheckerForQueue) and derives job ids
 * only for the new ones.
 */
export function checkUrlForQueue(url: string, allow: AllowList): UrlCheck {
  const normalized = normalizeOrRefuse(url);
  return typeof normalized === 'string' ? (addressRefusal(normalized, allow) ?? { accepted: true, normalizedUrl: normalized }) : normalized;
}

/** Origins whose verdict a checker remembers; a sitemap lists a handful. */
const MAX_REMEMBERED_ORIGINS = 1024;

/**
 * checkUrlForQueue for many URLs of few hosts (a sitemap's): after normalization, what checkUrl
 * refuses (scheme, credentials, a non-public IP literal) depends on the origin alone, so its
 * verdict is taken once per origin instead of parsing every URL a second time.
 */
export function urlCheckerForQueue(allow: AllowList): (url: string) => UrlCheck {
  const refusals = new Map<string, Extract<UrlCheck, { accepted: false }> | null>();
  return (url) => {
    const normalized = normalizeOrRefuse(url);
    if (typeof normalized !== 'string') return normalized;
    // A normalized http(s) URL always has a path after its authority, and no credentials.
    const origin = normalized.slice(0, normalized.indexOf('/', normalized.indexOf('//') + 2));
    let refusal = refusals.get(origin);
    if (refusal === undefined) {
      refusal = addressRefusal(normalized, allow);
      if (refusals.size >= MAX_REMEMBERED_ORIGINS) refusals.clear();
      refusals.set(origin, refusal);
    }
    return refusal ?? { accepted: true, normalizedUrl: normalized };
  };
}

function normalizeOrRefuse(url: string): string | Extract<UrlCheck, { accepted: false }> {
  let normalized: string | null;
  try {
    normalized = normalizeUrl(url.trim());
  } catch {
    normalized = null;
  }
  if (normalized !== null) return normalized;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url.trim())?.[1]?.toLowerCase();
  return scheme && scheme !== 'http' && scheme !== 'https'
    ? { accepted: false, reason: 'bad_scheme', message: `only http(s) URLs are ingested, not ${scheme}:` }
    : { accepted: false, reason: 'bad_url', message: 'not an absolute http(s) URL' };
}

function addressRefusal(normalized: string, allow: AllowList): Extract<UrlCheck, { accepted: false }> | null {
  try {
    checkUrl(normalized, allow);
  } catch (err) {
    if (err instanceof NewsworkerError) return { accepted: false, reason: err.reason, message: err.message };
    throw err;
  }
  return null;
}

/** checkUrlForQueue with the URL and, when accepted, its ingest job id. */
export function validateUrl(url: string, allow: AllowList): EnqueueOutcome {
  const check = checkUrlForQueue(url, allow);
  return check.accepted ? { url, accepted: true, normalizedUrl: check.normalizedUrl, jobId: ingestJobId(check.normalizedUrl) } : { url, ...check };
}

export async function enqueueUrls(
  queue: Queue<IngestJobData, IngestJobResult>,
  requests: readonly EnqueueRequest[],
  opts: { allow: AllowList; origin: string; outbox?: Pick<Store, 'acceptUrls'> },
): Promise<EnqueueOutcome[]> {
  const outcomes = requests.map((r) => validateUrl(r.url, opts.allow));
  const now = new Date().toISOString();
  const jobs = outcomes.flatMap((o, i) =>
    o.accepted
      ? [{ name: 'ingest', data: { url: o.normalizedUrl, origin: opts.origin, hints: requests[i]!.hints, enqueuedAt: now }, opts: { jobId: o.jobId } }]
      : [],
  );
  if (jobs.length === 0) return outcomes;
  // Written before queueing: if Redis loses the jobs, the reconciler (./reconciler.ts) queues them again.
  await opts.outbox?.acceptUrls(jobs.map((j) => ({ url: j.data.url, jobId: j.opts.jobId, origin: opts.origin, acceptedAt: now })));
  await clearFinishedJobs(queue, jobs.map((j) => j.opts.jobId));
  await queue.addBulk(jobs);
  return outcomes;
}

/**
 * BullMQ ignores an add whose job id exists, and finished jobs keep their id for a day (see
 * REMOVE_ON_COMPLETE): without this, a URL enqueued again after it was ingested (an edited page,
 * a retry after a failure) would be reported as queued and never fetched. Only finished jobs are
 * removed; a waiting, delayed or running job still absorbs the duplicate. Two callers racing here
 * still end with one job: a remove of the other's fresh job is followed by an add of the same id,
 * and a job already running is locked, so its remove is a no-op. The feed poller calls it too, per
 * slice it queues: a URL it never listed may have a finished job from another source or the API.
 */
export async function clearFinishedJobs(queue: Queue<IngestJobData, IngestJobResult>, jobIds: readonly string[]): Promise<void> {
  const ids = [...new Set(jobIds)];
  if (ids.length === 0) return;
  // The job's own record says whether it finished (constant time; getJobState would search the
  // waiting list, which grows with the queue). One script for all of them, in one round trip:
  // reading whole jobs one by one cost more than the removes it decides, and a pipeline of one
  // HGET per job cost the client ~300 ms of CPU per 50,000 ids (a poll's), the script ~90.
  const client = await queue.getBackend().client;
  if (!scriptClients.has(client)) {
    client.defineCommand(FINISHED_JOBS_SCRIPT, { numberOfKeys: 1, lua: FINISHED_JOBS_LUA });
    scriptClients.add(client);
  }
  // The key prefix is the one key declared, as BullMQ's own scripts do: on a Redis Cluster the queue
  // prefix carries a `{…}` hash tag (BullMQ requires it there), so every job key is on its slot.
  // Not marked read-only: a replica read could miss a job that has just finished.
  const finished = (await client.runCommand(FINISHED_JOBS_SCRIPT, [queue.toKey(''), ...ids])) as string[];
  await Promise.all(finished.map((id) => queue.remove(id)));
}

const FINISHED_JOBS_SCRIPT = 'newsworkerFinishedJobs';
/** ARGV: job ids; returns those whose job hash has `finishedOn`. */
const FINISHED_JOBS_LUA = `
local finished = {}
for _, id in ipairs(ARGV) do
  if redis.call('HEXISTS', KEYS[1] .. id, 'finishedOn') == 1 then finished[#finished + 1] = id end
end
return finished`;
/** Clients the script is defined on (a queue's client lives as long as the queue). */
const scriptClients = new WeakSet<object>();
