/**
 * The fetcher and the host pacer as every worker builds them from the settings, so the ingest and
 * discover workers fetch with the same limits and share one pacing key space per deployment.
 */
import type { Redis } from 'ioredis';
import type { Settings } from '../src/config/settings.js';
import { createFetcher, HostPacer, type Fetcher } from '../src/fetch/index.js';

export function createSettingsFetcher(settings: Settings): Fetcher {
  return createFetcher({
    userAgent: settings.userAgent,
    allowCidrs: settings.allowCidrs,
    headersTimeoutMs: settings.headersTimeoutMs,
    bodyTimeoutMs: settings.bodyTimeoutMs,
    totalTimeoutMs: settings.totalTimeoutMs,
    maxBytes: settings.maxBytes,
  });
}

/** One pacer key per host under the queue prefix: every worker of the deployment sees the same gaps. */
export function createSettingsPacer(redis: Redis, settings: Pick<Settings, 'queuePrefix'>): HostPacer {
  return new HostPacer(redis, { keyPrefix: `${settings.queuePrefix}:pace:` });
}
