import type { Redis } from 'ioredis';

/**
 * KEYS[1] = "<prefix>host:<host>" holding the next allowed time (ms, Redis clock)
 * ARGV[1] = gap in ms
 * Returns {1, 0} when the caller may fetch now (next allowed moves to now + gap),
 * or {0, waitMs} when it must wait.
 * TIME is read inside the script so every worker compares against the same clock; Redis 5+
 * replicates script effects, so the non-deterministic read is allowed before a write.
 */
const RESERVE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local gap = tonumber(ARGV[1])
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
if now >= nextAt then
  redis.call('SET', KEYS[1], now + gap, 'PX', gap + 1000)
  return {1, 0}
end
return {0, nextAt - now}
`;

/**
 * KEYS[1] as above; ARGV[1] = penalty in ms.
 * Raises next allowed time to at least now + penalty, never lowers it. Returns the new wait.
 */
const PENALIZE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
local wanted = now + tonumber(ARGV[1])
if wanted > nextAt then
  nextAt = wanted
  redis.call('SET', KEYS[1], nextAt, 'PX', nextAt - now + 1000)
end
return nextAt - now
`;

export type Reservation = { ok: true } | { ok: false; waitMs: number };

export interface HostPacerOptions {
  /** Prefix of every key, e.g. "newsworker:pace:"; tests use a unique one. */
  keyPrefix: string;
}

/**
 * Per-host politeness shared by all workers: one "next allowed at" timestamp per host in Redis,
 * checked and moved in a single script so two workers can never both pass inside one gap.
 */
export class HostPacer {
  private readonly redis: Redis;
  private readonly keyPrefix: string;

  constructor(redis: Redis, opts: HostPacerOptions) {
    this.redis = redis;
    this.keyPrefix = opts.keyPrefix;
  }

  /** Take the host's next slot if it is free; otherwise say how long until it is. */
  async reserve(host: string, gapMs: number): Promise<Reservation> {
    const reply = (await this.redis.eval(RESERVE_SCRIPT, 1, this.key(host), wholeMs(gapMs, 'gapMs'))) as [number, number];
    return reply[0] === 1 ? { ok: true } : { ok: false, waitMs: reply[1] };
  }

  /** Push the host's next slot at least `ms` into the future (Retry-After, 429/503 backoff). Returns the wait now in force. */
  async penalize(host: string, ms: number): Promise<number> {
    return (await this.redis.eval(PENALIZE_SCRIPT, 1, this.key(host), wholeMs(ms, 'ms'))) as number;
  }

  private key(host: string): string {
    return `${this.keyPrefix}host:${normalizeHost(host)}`;
  }
}

/** Host names differ only in case or a trailing dot for the same server. */
export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

function wholeMs(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  return Math.ceil(value);
}

/**
 * The gap to reserve with: the operator's floor (NEWSWORKER_HOST_GAP_MS), raised by the site's
 * Crawl-delay, never lowered, and capped so one robots.txt cannot park a host for hours.
 */
export function hostGapMs(floorMs: number, crawlDelayMs: number | undefined, capMs = 60_000): number {
  if (crawlDelayMs === undefined || !Number.isFinite(crawlDelayMs)) return floorMs;
  return Math.max(floorMs, Math.min(crawlDelayMs, capMs));
}

/**
 * How long to hold a host back after a failed fetch, for HostPacer.penalize(): the server's
 * Retry-After on 429 and 503 (capped, so a bogus date cannot park a host for days), or
 * `defaultMs` when those statuses come without one. Undefined for errors that say nothing about load.
 */
export function penaltyMsFor(
  err: { reason: string; status?: number | undefined; retryAfterMs?: number | undefined },
  defaultMs = 60_000,
  capMs = 60 * 60 * 1000,
): number | undefined {
  const overloaded = err.reason === 'http_429' || (err.reason === 'http_5xx' && err.status === 503);
  if (!overloaded) return undefined;
  return Math.min(err.retryAfterMs ?? defaultMs, capMs);
}
