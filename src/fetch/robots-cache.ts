import robotsParserModule from 'robots-parser';
import { FetchError } from './errors.js';

// The typings declare an ES default export, but the package is CommonJS (module.exports = fn),
// so under NodeNext the default import is the function itself.
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;
type Robot = ReturnType<typeof robotsParser>;

/** Fetches one robots.txt; resolves with its text on 2xx, rejects with a FetchError otherwise. */
export type RobotsLoader = (robotsUrl: string) => Promise<string>;

export interface RobotsCacheOptions {
  load: RobotsLoader;
  /** User-agent token matched against robots.txt groups, e.g. "newsworker". */
  token: string;
  /** @defaultValue 1 h */
  ttlMs?: number;
  /** @defaultValue 10 min */
  unavailableTtlMs?: number;
  /** @defaultValue 10 000 */
  maxEntries?: number;
  /** Injectable clock for tests. */
  now?: () => number;
}

export type RobotsVerdict =
  | { allowed: true; crawlDelayMs: number | undefined }
  | { allowed: false; reason: 'robots_disallowed' }
  /** `cause` is why robots.txt could not be read (often the reason the page would fail too). */
  | { allowed: false; reason: 'robots_unavailable'; cause: unknown };

type Policy = { kind: 'rules'; robot: Robot } | { kind: 'allow_all' } | { kind: 'unavailable'; cause: unknown };

interface Entry {
  expiresAt: number;
  policy: Promise<Policy>;
}

/**
 * robots.txt per origin, cached with a TTL. Interpretation follows Google's documented rules:
 * 2xx → parse; 4xx (incl. 401/403) and other permanent failures (too many redirects, not text)
 * → allow all; 5xx, 429, timeouts and network errors → disallow everything for
 * `unavailableTtlMs`, after which it is fetched again. Concurrent checks share one load.
 */
export class RobotsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly load: RobotsLoader;
  private readonly token: string;
  private readonly ttlMs: number;
  private readonly unavailableTtlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(opts: RobotsCacheOptions) {
    this.load = opts.load;
    this.token = opts.token;
    this.ttlMs = opts.ttlMs ?? 60 * 60 * 1000;
    this.unavailableTtlMs = opts.unavailableTtlMs ?? 10 * 60 * 1000;
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /** May `url` be fetched, and with what Crawl-delay? */
  async check(url: string | URL, signal?: AbortSignal): Promise<RobotsVerdict> {
    const target = new URL(url);
    const policy = await abortable(this.policyFor(target.origin), signal);
    switch (policy.kind) {
      case 'allow_all':
        return { allowed: true, crawlDelayMs: undefined };
      case 'unavailable':
        return { allowed: false, reason: 'robots_unavailable', cause: policy.cause };
      case 'rules': {
        // undefined means "not this origin's file", which cannot happen here; treat as allowed.
        if (policy.robot.isAllowed(target.href, this.token) === false) return { allowed: false, reason: 'robots_disallowed' };
        const delaySeconds = policy.robot.getCrawlDelay(this.token);
        return { allowed: true, crawlDelayMs: delaySeconds === undefined ? undefined : delaySeconds * 1000 };
      }
    }
  }

  /** Crawl-delay of the origin of `url` in ms, for HostPacer gaps; undefined when none or refused. */
  async crawlDelayMs(url: string | URL, signal?: AbortSignal): Promise<number | undefined> {
    const verdict = await this.check(url, signal);
    return verdict.allowed ? verdict.crawlDelayMs : undefined;
  }

  /** Throws robots_disallowed (permanent) or robots_unavailable (retryable) when refused. */
  async assertAllowed(url: string | URL, signal?: AbortSignal): Promise<void> {
    const verdict = await this.check(url, signal);
    if (verdict.allowed) return;
    const href = String(url);
    if (verdict.reason === 'robots_disallowed') throw new FetchError(verdict.reason, `robots.txt disallows ${href}`, { url: href });
    const why = verdict.cause instanceof FetchError ? verdict.cause.reason : 'error';
    throw new FetchError(verdict.reason, `robots.txt of ${new URL(href).origin} is unavailable (${why}); not fetching for now`, {
      url: href,
      cause: verdict.cause,
    });
  }

  /** Forget everything (tests, config reload). */
  clear(): void {
    this.entries.clear();
  }

  private policyFor(origin: string): Promise<Policy> {
    const now = this.now();
    const cached = this.entries.get(origin);
    if (cached !== undefined && cached.expiresAt > now) return cached.policy;
    if (cached === undefined && this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: dropping the first entry evicts the oldest load.
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    const entry: Entry = { expiresAt: Number.POSITIVE_INFINITY, policy: this.fetchPolicy(origin) };
    this.entries.delete(origin);
    this.entries.set(origin, entry);
    // The TTL starts when the answer arrives; until then concurrent callers share the promise.
    void entry.policy.then((policy) => {
      entry.expiresAt = this.now() + (policy.kind === 'unavailable' ? this.unavailableTtlMs : this.ttlMs);
    });
    return entry.policy;
  }

  private async fetchPolicy(origin: string): Promise<Policy> {
    const robotsUrl = `${origin}/robots.txt`;
    try {
      const text = await this.load(robotsUrl);
      return { kind: 'rules', robot: robotsParser(robotsUrl, text) };
    } catch (err) {
      if (err instanceof FetchError && !err.retryable) return { kind: 'allow_all' };
      return { kind: 'unavailable', cause: err };
    }
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
