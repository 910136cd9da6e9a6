import { request, type Dispatcher } from 'undici';
import { checkUrl, type AllowList } from './address-policy.js';
import { abandon, ACCEPT_ENCODING, ConsumerError, readDecodedBody, type DecodedBody } from './decoded-body.js';
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

/** What is known of the answer before its body is read. */
export interface ResponseHead {
  /** URL of the response, after redirects. */
  url: string;
  status: number;
  /** Response headers, names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Media type without parameters, lower case; null when the server sent none. */
  contentType: string | null;
}

/**
 * Takes the decoded body chunk by chunk as it arrives; awaited before the next is read. It gets the
 * response's head too: a document's final URL and Content-Type are needed to read its first bytes.
 */
export type BodyChunkHandler = (chunk: Buffer, response: ResponseHead) => void | Promise<void>;

export interface FetchedPage extends ResponseHead {
  /** Decoded body; empty for 304, and when it was handed to onChunk. */
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
  /** Hands the body over as it arrives instead of keeping it (see BodyChunkHandler); never called for a 304. */
  onChunk?: BodyChunkHandler;
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

function requestHeaders(req: GuardedGetRequest): Record<string, string> {
  const headers: Record<string, string> = {
    'user-agent': req.userAgent,
    accept: acceptHeader(req.acceptTypes),
    'accept-encoding': ACCEPT_ENCODING,
  };
  // Validators go to every hop: a server only matches its own, and callers may hold the
  // validators of a URL that now redirects (http → https).
  if (req.etag) headers['if-none-match'] = req.etag;
  if (req.lastModified) headers['if-modified-since'] = req.lastModified;
  return headers;
}

/** Where a redirect points, or why it is refused. The target is policy-checked by the caller. */
function redirectTarget(status: number, location: string | undefined, hop: URL, seen: ReadonlySet<string>, maxRedirects: number): URL {
  const details = { url: hop.href, status };
  if (location === undefined) throw new FetchError('bad_redirect', `HTTP ${status} without Location from ${hop.href}`, details);
  let next: URL;
  try {
    next = new URL(location, hop);
  } catch (cause) {
    throw new FetchError('bad_redirect', `unreadable Location "${location.slice(0, 200)}" from ${hop.href}`, { ...details, cause });
  }
  next.hash = '';
  if (seen.has(next.href)) throw new FetchError('redirect_loop', `redirect loop back to ${next.href}`, details);
  // seen holds the start URL plus every hop followed so far.
  if (seen.size > maxRedirects) throw new FetchError('too_many_redirects', `more than ${maxRedirects} redirects`, details);
  return next;
}

/** Refuses a 2xx answer we will not read: wrong media type, or a declared length over the cap. */
function assertReadable(req: GuardedGetRequest, headers: Record<string, string>, hop: URL, status: number, maxBytes: number): void {
  const details = { url: hop.href, status };
  const type = mediaType(headers['content-type']);
  if (!isAccepted(type, req.acceptTypes)) {
    throw new FetchError('not_html', `refusing Content-Type ${type ?? '(none)'} from ${hop.href}`, details);
  }
  const declared = Number(headers['content-length'] ?? NaN);
  const encoded = (headers['content-encoding'] ?? 'identity').toLowerCase() !== 'identity';
  if (req.onLimit === 'throw' && !encoded && declared > maxBytes) {
    throw new FetchError('too_large', `Content-Length ${declared} exceeds ${maxBytes} bytes`, details);
  }
}

/**
 * GET with every hop re-checked: URL policy (scheme, credentials, IP literals) before the
 * request, the guarded lookup at connect, then status, type and size rules on the answer.
 * Per hop: checkUrl → beforeHop (robots) → request → redirect? → 304? → status → type → body.
 */
export async function guardedGet(req: GuardedGetRequest, deps: GuardedGetDeps): Promise<FetchedPage> {
  const { limits } = deps;
  const startedAt = performance.now();
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), limits.totalTimeoutMs);
  const signal = req.signal === undefined ? deadline.signal : AbortSignal.any([req.signal, deadline.signal]);
  let hopHref = String(req.url);
  try {
    let hop = checkUrl(req.url, deps.allow).url;
    hopHref = hop.href;
    const redirects: string[] = [];
    const seen = new Set([hop.href]);
    for (;;) {
      if (req.beforeHop !== undefined) await req.beforeHop(hop, signal);
      signal.throwIfAborted();
      const hopStartedAt = performance.now();
      const res = await request(hop, {
        method: 'GET',
        headers: requestHeaders(req),
        signal,
        dispatcher: deps.dispatcher,
        headersTimeout: limits.headersTimeoutMs,
        bodyTimeout: limits.bodyTimeoutMs,
      });
      const headersMs = performance.now() - hopStartedAt;
      const headers = flattenHeaders(res.headers as Record<string, string | string[] | undefined>);
      const status = res.statusCode;

      if (REDIRECT_STATUSES.has(status)) {
        await discard(res.body);
        const next = redirectTarget(status, headers['location'], hop, seen, limits.maxRedirects);
        hop = checkUrl(next, deps.allow).url;
        hopHref = hop.href;
        seen.add(hop.href);
        redirects.push(hop.href);
        continue;
      }
      if (status !== 304 && (status < 200 || status >= 300)) {
        await discard(res.body);
        throw errorForStatus(status, hop.href, headers['retry-after']);
      }
      const head: ResponseHead = { url: hop.href, status, headers, contentType: mediaType(headers['content-type']) };
      const onChunk = req.onChunk;
      let decoded: DecodedBody = { body: Buffer.alloc(0), truncated: false };
      if (status === 304) {
        await discard(res.body);
      } else {
        try {
          assertReadable(req, headers, hop, status, limits.maxBytes);
        } catch (err) {
          abandon(res.body);
          throw err;
        }
        decoded = await readDecodedBody(res.body, {
          url: hop.href,
          contentEncoding: headers['content-encoding'],
          maxBytes: limits.maxBytes,
          onLimit: req.onLimit,
          onChunk: onChunk === undefined ? undefined : (chunk) => onChunk(chunk, head),
        });
      }
      const dnsMs = deps.dnsTimings?.since(hop.hostname, startedAt);
      return {
        ...head,
        body: decoded.body,
        etag: headers['etag'] ?? null,
        lastModified: headers['last-modified'] ?? null,
        notModified: status === 304,
        redirects,
        timings: { ...(dnsMs === undefined ? {} : { dnsMs }), headersMs, totalMs: performance.now() - startedAt },
        truncated: decoded.truncated,
      };
    }
  } catch (err) {
    // The consumer's own error (a document it refused) is its to report, not a fetch failure.
    if (err instanceof ConsumerError) throw err.error;
    throw toFetchError(err, {
      url: hopHref,
      deadlineExpired: deadline.signal.aborted,
      callerAborted: req.signal?.aborted ?? false,
    });
  } finally {
    clearTimeout(timer);
  }
}
