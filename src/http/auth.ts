/**
 * Who may call what. The policy is decided by path and method for every request, before routing
 * (an `onRequest` hook on the root), so a route added later is covered without anyone remembering
 * to protect it:
 *
 * - `/admin…`: the admin's basic auth, or the API bearer token;
 * - writes under `/api` (anything but GET, HEAD, OPTIONS): the bearer token, or the admin's basic auth;
 * - everything else (reads, health, metrics, docs) is public.
 *
 * With no credentials configured nothing is checked, and `assertBindAllowed` keeps such a server on
 * loopback. Secrets are compared in constant time over their SHA-256 digests, so neither the
 * content nor the length of a guess leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConfigError } from '../errors.js';

export interface Credentials {
  apiToken?: string;
  adminUser?: string;
  adminPassword?: string;
}

export type Access = 'public' | 'token' | 'admin';

export const ADMIN_REALM = 'newsworker admin';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function accessFor(method: string, path: string): Access {
  if (path === '/admin' || path.startsWith('/admin/')) return 'admin';
  if ((path === '/api' || path.startsWith('/api/')) && !READ_METHODS.has(method.toUpperCase())) return 'token';
  return 'public';
}

export function authEnabled(c: Credentials): boolean {
  return c.apiToken !== undefined || (c.adminUser !== undefined && c.adminPassword !== undefined);
}

/** Throws when the admin credentials are half-configured or the bind address would expose an open server. */
export function assertBindAllowed(host: string, c: Credentials): void {
  if ((c.adminUser === undefined) !== (c.adminPassword === undefined)) {
    throw new ConfigError('NEWSWORKER_ADMIN_USER and NEWSWORKER_ADMIN_PASSWORD must be set together');
  }
  if (!authEnabled(c) && !isLoopback(host)) {
    throw new ConfigError(
      `refusing to listen on ${host} without credentials: set NEWSWORKER_API_TOKEN (and NEWSWORKER_ADMIN_USER/NEWSWORKER_ADMIN_PASSWORD), or HOST=127.0.0.1`,
    );
  }
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  const kind = isIP(host);
  if (kind === 4) return host.startsWith('127.');
  if (kind === 6) return host === '::1' || /^::ffff:127\./i.test(host);
  return false;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

export function secretEquals(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

type Presented = { kind: 'bearer'; token: string } | { kind: 'basic'; user: string; password: string } | null;

export function presentedCredentials(header: string | undefined): Presented {
  if (header === undefined) return null;
  const m = /^(\w+)\s+(\S+)\s*$/.exec(header);
  if (!m) return null;
  const scheme = m[1]!.toLowerCase();
  if (scheme === 'bearer') return { kind: 'bearer', token: m[2]! };
  if (scheme === 'basic') {
    const decoded = Buffer.from(m[2]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? null : { kind: 'basic', user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return null;
}

/** Whether the presented credentials open `access`; token and admin credentials open both protected kinds. */
export function isAuthorized(access: Access, presented: Presented, c: Credentials): boolean {
  if (access === 'public' || !authEnabled(c)) return true;
  if (presented === null) return false;
  if (presented.kind === 'bearer') return c.apiToken !== undefined && secretEquals(presented.token, c.apiToken);
  if (c.adminUser === undefined || c.adminPassword === undefined) return false;
  // Both compared every time, so a right user name with a wrong password takes as long as neither.
  const userOk = secretEquals(presented.user, c.adminUser);
  const passwordOk = secretEquals(presented.password, c.adminPassword);
  return userOk && passwordOk;
}

const RANK: Record<Access, number> = { public: 0, token: 1, admin: 2 };

/**
 * The stricter of the policies for the raw path, its percent-decoded form and the matched route's
 * pattern, so `/%61dmin/…` or any other spelling the router would match cannot slip past.
 */
export function requestAccess(method: string, rawUrl: string, routePattern: string | undefined): Access {
  const raw = rawUrl.split('?')[0] ?? '/';
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // Undecodable: the raw form is all there is (and the router will not match it either).
  }
  const candidates = [raw, decoded, decoded.toLowerCase(), ...(routePattern === undefined ? [] : [routePattern])];
  return candidates.map((p) => accessFor(method, p.replace(/\/{2,}/g, '/'))).reduce((a, b) => (RANK[b] > RANK[a] ? b : a), 'public');
}

/** The root `onRequest` hook enforcing `accessFor` on every request, matched route or not. */
export function authHook(c: Credentials) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const access = requestAccess(req.method, req.url, req.routeOptions.url);
    if (isAuthorized(access, presentedCredentials(req.headers.authorization), c)) return;
    if (access === 'admin') reply.header('www-authenticate', `Basic realm="${ADMIN_REALM}", charset="UTF-8"`);
    else reply.header('www-authenticate', 'Bearer realm="newsworker api"');
    await reply.code(401).send({ error: 'unauthorized', message: access === 'admin' ? 'admin credentials required' : 'a bearer token is required for writes' });
  };
}
