/**
 * Polite, SSRF-safe HTTP fetching for the worker: createFetcher() for pages, RobotsCache for
 * robots.txt and Crawl-delay, HostPacer for per-host gaps shared through Redis, and the URL and
 * address checks the API and CLI use to refuse bad URLs before queueing them.
 */
export {
  checkUrl,
  checkUrlWithDns,
  isBlockedAddress,
  parseAllowList,
  systemResolver,
  type AllowList,
  type CheckedUrl,
  type ResolvedAddress,
  type Resolver,
} from './address-policy.js';
export { fetcherConfigSchema, parseFetcherConfig, PAGE_TYPES, type FetcherConfig, type FetcherConfigInput } from './config.js';
export {
  FetchError,
  parseRetryAfter,
  PERMANENT_REASONS,
  TRANSIENT_REASONS,
  type FetchErrorReason,
  type PermanentReason,
  type TransientReason,
} from './errors.js';
export { createFetcher, type Fetcher, type FetcherDeps, type FetchPageOptions } from './fetcher.js';
export type { FetchedPage, FetchTimings } from './guarded-get.js';
export { HostPacer, hostGapMs, normalizeHost, penaltyMsFor, type HostPacerOptions, type Reservation } from './host-pacer.js';
export { RobotsCache, type RobotsCacheOptions, type RobotsLoader, type RobotsVerdict } from './robots-cache.js';
