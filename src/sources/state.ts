/**
 * What the poller remembers per source, in Redis beside the queues (not in the article store):
 * a hash of the last poll's facts and the cadence it earned, the validators of each document it
 * fetched (the feed, or a sitemap index and its children), and the URLs it has already queued, as
 * a sorted set by time seen, capped and expiring so a source cannot grow it without bound.
 */
import type { Redis } from 'ioredis';

export interface SourceState {
  lastPollAt: string | null;
  lastSuccessAt: string | null;
  /** `ok`, `not_modified`, `deferred:<why>` or `failed:<reason>`. */
  lastOutcome: string | null;
  lastMessage: string | null;
  /** Items the last completed poll listed, and how many of them were new and queued. */
  itemsFound: number;
  itemsEnqueued: number;
  /** 1 after a poll that found something; doubles (to a bound) after each poll that found nothing. */
  backoff: number;
  /** Scheduled ticks still to skip because of the backoff. */
  skipTicks: number;
  /** Epoch ms before which the source asked not to be polled (ttl, max-age). */
  notBefore: number | null;
  skipHours: number[];
  skipDays: string[];
}

export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

export interface SourceStateOptions {
  /** Key prefix, normally the queue prefix, e.g. `{newsworker}`. */
  prefix: string;
  /** URLs remembered per source; the oldest go first. Above a full sitemap index's worth. */
  seenCap?: number;
  /** The remembered URLs of a source not polled for this long are dropped. */
  seenTtlSeconds?: number;
}

const EMPTY: SourceState = {
  lastPollAt: null,
  lastSuccessAt: null,
  lastOutcome: null,
  lastMessage: null,
  itemsFound: 0,
  itemsEnqueued: 0,
  backoff: 1,
  skipTicks: 0,
  notBefore: null,
  skipHours: [],
  skipDays: [],
};

const CHUNK = 5000;

export class SourceStateStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #seenCap: number;
  readonly #seenTtl: number;

  constructor(redis: Redis, opts: SourceStateOptions) {
    this.#redis = redis;
    this.#prefix = `${opts.prefix}:source`;
    this.#seenCap = opts.seenCap ?? 200_000;
    this.#seenTtl = opts.seenTtlSeconds ?? 60 * 24 * 3600;
  }

  #key(id: string, part?: 'seen' | 'validators'): string {
    return part === undefined ? `${this.#prefix}:${id}` : `${this.#prefix}:${id}:${part}`;
  }

  /** The stored state; each field is a JSON value in one Redis hash, readable with HGETALL. */
  async get(id: string): Promise<SourceState> {
    const raw = await this.#redis.hgetall(this.#key(id));
    const state: Record<string, unknown> = { ...EMPTY };
    for (const [field, value] of Object.entries(raw)) {
      if (field in EMPTY) state[field] = JSON.parse(value);
    }
    return state as unknown as SourceState;
  }

  /** Writes the fields of `patch`. One writer per source at a time (one discover job). */
  async update(id: string, patch: Partial<SourceState>): Promise<void> {
    const fields = Object.entries(patch).filter(([, v]) => v !== undefined);
    if (fields.length === 0) return;
    await this.#redis.hset(this.#key(id), Object.fromEntries(fields.map(([k, v]) => [k, JSON.stringify(v)])));
  }

  async getValidators(id: string, url: string): Promise<Validators | null> {
    const raw = await this.#redis.hget(this.#key(id, 'validators'), url);
    return raw === null ? null : (JSON.parse(raw) as Validators);
  }

  async setValidators(id: string, entries: ReadonlyArray<[url: string, validators: Validators]>): Promise<void> {
    if (entries.length === 0) return;
    const key = this.#key(id, 'validators');
    await this.#redis.hset(key, Object.fromEntries(entries.map(([url, v]) => [url, JSON.stringify(v)])));
    await this.#redis.expire(key, this.#seenTtl);
  }

  /** The URLs of `urls` this source has not queued before, in their order. */
  async unseen(id: string, urls: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    const key = this.#key(id, 'seen');
    for (let i = 0; i < urls.length; i += CHUNK) {
      const chunk = urls.slice(i, i + CHUNK);
      const scores = await this.#redis.zmscore(key, ...chunk);
      chunk.forEach((url, j) => {
        if (scores[j] === null) out.push(url);
      });
    }
    return out;
  }

  async markSeen(id: string, urls: readonly string[], atMs: number = Date.now()): Promise<void> {
    if (urls.length === 0) return;
    const key = this.#key(id, 'seen');
    for (let i = 0; i < urls.length; i += CHUNK) {
      const args = urls.slice(i, i + CHUNK).flatMap((url) => [atMs, url]);
      await this.#redis.zadd(key, ...args);
    }
    // Keep the newest seenCap: rank 0 is the oldest.
    await this.#redis.zremrangebyrank(key, 0, -this.#seenCap - 1);
    await this.#redis.expire(key, this.#seenTtl);
  }

  async seenCount(id: string): Promise<number> {
    return this.#redis.zcard(this.#key(id, 'seen'));
  }

  /** Forgets a source (removed from the file). */
  async clear(id: string): Promise<void> {
    await this.#redis.del(this.#key(id), this.#key(id, 'seen'), this.#key(id, 'validators'));
  }
}
