import { FetchError, type FetchErrorReason } from './errors.js';

// Error codes from undici, node:net, node:dns and OpenSSL, grouped by what they mean for a retry.
const CODE_REASONS: Readonly<Record<string, FetchErrorReason>> = {
  UND_ERR_HEADERS_TIMEOUT: 'timeout_headers',
  UND_ERR_CONNECT_TIMEOUT: 'timeout_headers',
  UND_ERR_BODY_TIMEOUT: 'timeout_body',
  UND_ERR_SOCKET: 'connection_reset',
  UND_ERR_CLOSED: 'connection_reset',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  ECONNABORTED: 'connection_reset',
  ECONNREFUSED: 'connection_refused',
  EHOSTUNREACH: 'connection_refused',
  ENETUNREACH: 'connection_refused',
  ETIMEDOUT: 'connection_refused',
  EAI_AGAIN: 'dns_failure',
  ESERVFAIL: 'dns_failure',
  ETIMEOUT: 'dns_failure',
  EAI_FAIL: 'dns_failure',
  ENOTFOUND: 'dns_not_found',
  ENODATA: 'dns_not_found',
  EAI_NONAME: 'dns_not_found',
};

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The error and whatever it wraps: undici and happy-eyeballs nest the real cause. */
function* chain(err: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  const queue = [err];
  while (queue.length > 0) {
    const next = queue.shift();
    if (next === undefined || next === null || seen.has(next)) continue;
    seen.add(next);
    yield next;
    if (next instanceof AggregateError) queue.push(...next.errors);
    if (next instanceof Error) queue.push(next.cause);
  }
}

function isTlsCode(code: string): boolean {
  return code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.includes('CERT') || code.includes('SELF_SIGNED');
}

export interface FailureContext {
  url: string;
  /** The total deadline fired (our own timer). */
  deadlineExpired: boolean;
  /** The caller's AbortSignal fired. */
  callerAborted: boolean;
}

/** Turns whatever undici, node or our own guards threw into a FetchError with a reason. */
export function toFetchError(err: unknown, ctx: FailureContext): FetchError {
  for (const e of chain(err)) if (e instanceof FetchError) return e;
  if (ctx.deadlineExpired) return new FetchError('timeout_total', `total deadline passed for ${ctx.url}`, { url: ctx.url, cause: err });
  if (ctx.callerAborted) return new FetchError('aborted', `fetch of ${ctx.url} aborted by caller`, { url: ctx.url, cause: err });
  for (const e of chain(err)) {
    const code = codeOf(e);
    if (code === undefined) continue;
    const reason = CODE_REASONS[code] ?? (isTlsCode(code) ? 'tls_error' : undefined);
    if (reason !== undefined) {
      return new FetchError(reason, `${code} while fetching ${ctx.url}: ${(e as Error).message}`, { url: ctx.url, cause: err });
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  return new FetchError('fetch_failed', `fetching ${ctx.url} failed: ${message}`, { url: ctx.url, cause: err });
}
