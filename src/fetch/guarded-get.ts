import { request, type Dispatcher } from 'undici';
import { checkUrl, type AllowList } from './address-policy.js';
import { abandon, ACCEPT_ENCODING, readDecodedBody } from './decoded-body.js';
import { errorForStatus, FetchError } from './errors.js';
import { toFetchError } from './failure-mapping.js';
import type { DnsTimings } from './guarded-agent.js';

export interface FetchTimings {
  /** DNS lookup of the final host during this call (robots.txt included); absent when a pooled connection was reused. */
  dnsMs?: number;
  /** From sending the final hop's request to its response headers. */
  headersMs: number;
  /** The whole call: robots.txt, every redirect hop and the body. */
  totalMs: number;
}

export interface FetchedPage {
  /** URL of the response, after redirects. */
  url: string;
  status: number;
  /** Response headers, names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Media type without parameters, lower case; null when the server sent none. */
  contentType: string | null;
  /** Decoded body; empty for 304. */
  body: Buffer;
  etag: string | null;
  lastModified: string | null;
  notModified: boolean;
  /** Each Location followed, in order (absolute). */
  redirects: string[];
  timings: FetchTimings;
  /** True only when onLimit is 'truncate' and the cap cut the body. */
  truncated: boolean;
}

export interface HopLimits {
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  totalTimeoutMs: number;
  maxRedirects: number;
  maxBytes: number;
}

export interface GuardedGetRequest {
  url: string | URL;
  userAgent: string;
  acceptTypes: readonly string[];
  onLimit: 'throw' | 'truncate';
  etag?: string | null;
  lastModified?: string | null;
  signal?: AbortSignal;
  /** Runs before each hop is requested (robots.txt); throwing refuses the hop. */
  beforeHop?: (url: URL, signal: AbortSignal) => Promise<void>;
}

export interface GuardedGetDeps {
  dispatcher: Dispatcher;
  allow: AllowList;
  limits: HopLimits;
  dnsTimings?: DnsTimings;
}

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function mediaType(contentType: string | undefined): string | null {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === undefined || type === '' ? null : type;
}

function acceptHeader(types: readonly string[]): string {
  return types.map((t, i) => (i === 0 ? t : `${t};q=${Math.max(0.1, 1 - i / 10).toFixed(1)}`)).join(', ');
}

function isAccepted(type: string | null, accepted: readonly string[]): boolean {
  if (accepted.includes('*/*')) return true;
  return type !== null && accepted.includes(type);
}

/** Discards a body we will not use; bounded so a huge error page cannot hold the socket. */
async function discard(body: Dispatcher.ResponseData['body']): Promise<void> {
  await body.dump({ limit: 64 * 1024 }).catch(() => undefined);
}

/**
 * GET with every hop re-checked: URL policy (scheme, credentials, IP literals) before the
 * request, the guarded lookup at connect, then status, type and size rules on the answer.
 * Stages per hop: checkUrl → beforeHop → request → redirect? → 304? → status → type → body.
 */
export async function guardedGet(req: GuardedGetRequest, deps: GuardedGetDeps): Promise<FetchedPage> {
  const { limits } = deps;
  const startedAt = performance.now();
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), limits.totalTimeoutMs);
  const signal = req.signal === undefined ? deadline.signal : AbortSignal.any([req.signal, deadline.signal]);
  let currentUrl = String(req.url);
  try {
    let hop = checkUrl(req.url, deps.allow).url;
    currentUrl = hop.href;
    const redirects: string[] = [];
    const seen = new Set([hop.href]);
    for (;;) {
      if (req.beforeHop !== undefined) await req.beforeHop(hop, signal);
      signal.throwIfAborted();
      const headers: Record<string, string> = {
        'user-agent': req.userAgent,
        accept: acceptHeader(req.acceptTypes),
        'accept-encoding': ACCEPT_ENCODING,
      };
      // Validators go to every hop: a server only matches its own, and callers may hold the
      // validators of a URL that now redirects (http → https).
      if (req.etag) headers['if-none-match'] = req.etag;
      if (req.lastModified) headers['if-modified-since'] = req.lastModified;
      const hopStartedAt = performance.now();
      const res = await request(hop, {
        method: 'GET',
        headers,
        signal,
        dispatcher: deps.dispatcher,
        headersTimeout: limits.headersTimeoutMs,
        bodyTimeout: limits.bodyTimeoutMs,
      });
      const headersMs = performance.now() - hopStartedAt;
      const responseHeaders = flattenHeaders(res.headers as Record<string, string | string[] | undefined>);
      const status = res.statusCode;
      const pageBase = {
        url: hop.href,
        status,
        headers: responseHeaders,
        contentType: mediaType(responseHeaders['content-type']),
        etag: responseHeaders['etag'] ?? null,
        lastModified: responseHeaders['last-modified'] ?? null,
        redirects,
      };
      const timings = (): FetchTimings => {
        const dnsMs = deps.dnsTimings?.since(hop.hostname, startedAt);
        return { ...(dnsMs === undefined ? {} : { dnsMs }), headersMs, totalMs: performance.now() - startedAt };
      };

      if (REDIRECT_STATUSES.has(status)) {
        await discard(res.body);
        const location = responseHeaders['location'];
        if (location === undefined) throw new FetchError('bad_redirect', `HTTP ${status} without Location from ${hop.href}`, { url: hop.href, status });
        let next: URL;
        try {
          next = new URL(location, hop);
        } catch (cause) {
          throw new FetchError('bad_redirect', `unreadable Location "${location.slice(0, 200)}" from ${hop.href}`, { url: hop.href, status, cause });
        }
        next.hash = '';
        if (seen.has(next.href)) throw new FetchError('redirect_loop', `redirect loop back to ${next.href}`, { url: hop.href, status });
        if (redirects.length >= limits.maxRedirects) {
          throw new FetchError('too_many_redirects', `more than ${limits.maxRedirects} redirects from ${String(req.url)}`, { url: hop.href, status });
        }
        hop = checkUrl(next, deps.allow).url;
        currentUrl = hop.href;
        seen.add(hop.href);
        redirects.push(hop.href);
        continue;
      }
      if (status === 304) {
        await discard(res.body);
        return { ...pageBase, body: Buffer.alloc(0), notModified: true, truncated: false, timings: timings() };
      }
      if (status < 200 || status >= 300) {
        await discard(res.body);
        throw errorForStatus(status, hop.href, responseHeaders['retry-after']);
      }
      if (!isAccepted(pageBase.contentType, req.acceptTypes)) {
        abandon(res.body);
        throw new FetchError('not_html', `refusing Content-Type ${pageBase.contentType ?? '(none)'} from ${hop.href}`, { url: hop.href, status });
      }
      const declaredLength = Number(responseHeaders['content-length'] ?? NaN);
      const encoded = (responseHeaders['content-encoding'] ?? 'identity').toLowerCase() !== 'identity';
      if (req.onLimit === 'throw' && !encoded && declaredLength > limits.maxBytes) {
        abandon(res.body);
        throw new FetchError('too_large', `Content-Length ${declaredLength} exceeds ${limits.maxBytes} bytes`, { url: hop.href, status });
      }
      const decoded = await readDecodedBody(res.body, {
        url: hop.href,
        contentEncoding: responseHeaders['content-encoding'],
        maxBytes: limits.maxBytes,
        onLimit: req.onLimit,
      });
      return { ...pageBase, body: decoded.body, notModified: false, truncated: decoded.truncated, timings: timings() };
    }
  } catch (err) {
    throw toFetchError(err, {
      url: currentUrl,
      deadlineExpired: deadline.signal.aborted,
      callerAborted: req.signal?.aborted ?? false,
    });
  } finally {
    clearTimeout(timer);
  }
}
