import { NewsworkerError } from '../errors.js';

/**
 * Why a fetch failed. Transient reasons may succeed later (the worker retries with backoff);
 * permanent ones will not change by asking again.
 */
export const TRANSIENT_REASONS = [
  'timeout_headers',
  'timeout_body',
  'timeout_total',
  'connection_reset',
  'connection_refused',
  'dns_failure',
  'http_5xx',
  'http_408',
  'http_429',
  'robots_unavailable',
  'aborted',
] as const;

export const PERMANENT_REASONS = [
  'http_4xx',
  'blocked_address',
  'bad_url',
  'bad_scheme',
  'credentials_in_url',
  'dns_not_found',
  'tls_error',
  'too_large',
  'not_html',
  'bad_encoding',
  'bad_redirect',
  'too_many_redirects',
  'redirect_loop',
  'robots_disallowed',
  'fetch_failed',
] as const;

export type TransientReason = (typeof TRANSIENT_REASONS)[number];
export type PermanentReason = (typeof PERMANENT_REASONS)[number];
export type FetchErrorReason = TransientReason | PermanentReason;

const transient: ReadonlySet<string> = new Set(TRANSIENT_REASONS);

export interface FetchErrorDetails {
  url?: string;
  status?: number;
  /** How long the server asked us to wait (Retry-After), for 429 and 503. */
  retryAfterMs?: number;
  cause?: unknown;
}

/** A page could not be fetched. `retryable` follows from `reason`, so callers never decide it twice. */
export class FetchError extends NewsworkerError {
  declare readonly reason: FetchErrorReason;
  readonly url: string | undefined;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(reason: FetchErrorReason, message: string, details: FetchErrorDetails = {}) {
    super(reason, message, { retryable: transient.has(reason), cause: details.cause });
    this.name = 'FetchError';
    this.url = details.url;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3). Returns milliseconds
 * from `nowMs`, never negative; undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Maps an HTTP status that is not success, redirect or 304 onto an error. */
export function errorForStatus(status: number, url: string, retryAfterHeader: string | undefined): FetchError {
  const retryAfterMs = parseRetryAfter(retryAfterHeader);
  const details = { url, status, retryAfterMs };
  if (status === 429) return new FetchError('http_429', `HTTP 429 Too Many Requests from ${url}`, details);
  if (status === 408) return new FetchError('http_408', `HTTP 408 Request Timeout from ${url}`, details);
  if (status >= 500) return new FetchError('http_5xx', `HTTP ${status} from ${url}`, details);
  return new FetchError('http_4xx', `HTTP ${status} from ${url}`, details);
}
