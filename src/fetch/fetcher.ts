import { parseAllowList, systemResolver, type Resolver } from './address-policy.js';
import { parseFetcherConfig, type FetcherConfig, type FetcherConfigInput } from './config.js';
import { createGuardedAgent, DnsTimings } from './guarded-agent.js';
import { guardedGet, type BodyChunkHandler, type FetchedPage, type GuardedGetDeps } from './guarded-get.js';
import { RobotsCache } from './robots-cache.js';

export interface FetchPageOptions {
  /** Validators from the previous fetch; a 304 then returns notModified. */
  etag?: string | null;
  lastModified?: string | null;
  signal?: AbortSignal;
  /** Replaces config.acceptTypes for this call (the feed poller passes XML types). */
  acceptTypes?: readonly string[];
  /** Lowers or raises config.maxBytes for this call. */
  maxBytes?: number;
  /**
   * Takes the decoded body chunk by chunk as it arrives, so a large document is never held whole;
   * the page's body is then empty. Awaited (a slow consumer applies backpressure); maxBytes still
   * caps the total. What it throws aborts the request and is thrown by fetchPage unchanged.
   */
  onChunk?: BodyChunkHandler;
}

export interface FetcherDeps {
  /** Name resolution used at connect time; tests map names to chosen addresses. */
  resolve?: Resolver;
}

export interface Fetcher {
  /** GET a page: SSRF-guarded on every hop, robots.txt-checked, size- and time-bounded. */
  fetchPage(url: string | URL, opts?: FetchPageOptions): Promise<FetchedPage>;
  /** The robots.txt cache this fetcher consults; use it for Crawl-delay. */
  readonly robots: RobotsCache;
  readonly config: FetcherConfig;
  /** Closes pooled connections; in-flight fetches are aborted. */
  close(): Promise<void>;
}

/** Builds a fetcher from validated config: one guarded Agent, one robots cache. */
export function createFetcher(input: FetcherConfigInput = {}, deps: FetcherDeps = {}): Fetcher {
  const config = parseFetcherConfig(input);
  const allow = parseAllowList(config.allowCidrs);
  const dnsTimings = new DnsTimings();
  const agent = createGuardedAgent({
    allow,
    resolve: deps.resolve ?? systemResolver,
    connectTimeoutMs: config.headersTimeoutMs,
    timings: dnsTimings,
  });
  const baseDeps: GuardedGetDeps = {
    dispatcher: agent,
    allow,
    dnsTimings,
    limits: {
      headersTimeoutMs: config.headersTimeoutMs,
      bodyTimeoutMs: config.bodyTimeoutMs,
      totalTimeoutMs: config.totalTimeoutMs,
      maxRedirects: config.maxRedirects,
      maxBytes: config.maxBytes,
    },
  };

  // robots.txt goes through the same guards (every hop re-checked) but accepts any type and
  // keeps only the first robots.maxBytes, as Google does with its 500 KiB limit.
  const robots = new RobotsCache({
    token: config.robotsToken,
    ttlMs: config.robots.ttlMs,
    unavailableTtlMs: config.robots.unavailableTtlMs,
    maxEntries: config.robots.maxEntries,
    load: async (robotsUrl) => {
      const page = await guardedGet(
        { url: robotsUrl, userAgent: config.userAgent, acceptTypes: ['*/*'], onLimit: 'truncate' },
        { ...baseDeps, limits: { ...baseDeps.limits, maxBytes: config.robots.maxBytes } },
      );
      return page.body.toString('utf8');
    },
  });

  return {
    robots,
    config,
    fetchPage: (url, opts = {}) =>
      guardedGet(
        {
          url,
          userAgent: config.userAgent,
          acceptTypes: opts.acceptTypes?.map((t) => t.trim().toLowerCase()) ?? config.acceptTypes,
          onLimit: 'throw',
          etag: opts.etag,
          lastModified: opts.lastModified,
          signal: opts.signal,
          onChunk: opts.onChunk,
          beforeHop: config.robots.enabled ? (hop, signal) => robots.assertAllowed(hop, signal) : undefined,
        },
        { ...baseDeps, limits: { ...baseDeps.limits, maxBytes: opts.maxBytes ?? config.maxBytes } },
      ),
    close: () => agent.destroy(),
  };
}
