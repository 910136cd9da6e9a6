import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent } from 'undici';
import { assertPublicAddresses, type AllowList, type Resolver } from './address-policy.js';
import { FetchError } from './errors.js';

/**
 * How long the most recent lookup of each host name took. Lookups happen inside the Agent, out
 * of sight of the request that caused them, so fetchPage matches them by host name and start
 * time; two concurrent fetches of one host may both report the same lookup.
 */
export class DnsTimings {
  private readonly byHost = new Map<string, { startedAt: number; ms: number }>();

  record(hostname: string, startedAt: number, ms: number): void {
    // Bounded without an LRU: a crawler sees many hosts, and a stale entry only loses a timing.
    if (this.byHost.size >= 5_000) this.byHost.clear();
    this.byHost.set(hostname.toLowerCase(), { startedAt, ms });
  }

  /** Duration of a lookup of `hostname` that started at or after `since`, if any. */
  since(hostname: string, since: number): number | undefined {
    const entry = this.byHost.get(hostname.toLowerCase());
    return entry !== undefined && entry.startedAt >= since ? entry.ms : undefined;
  }
}

/**
 * The connect-time guard: resolves every address of the host, refuses the connection if ANY of
 * them is non-public, then hands Node the checked answers so it connects to one of exactly those.
 * This closes DNS rebinding between a pre-check and the connect.
 */
export function createGuardedLookup(allow: AllowList, resolve: Resolver, timings?: DnsTimings): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    const startedAt = performance.now();
    resolve(hostname)
      .then((answers) => {
        timings?.record(hostname, startedAt, performance.now() - startedAt);
        const family = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
        const usable = family === 0 ? answers : answers.filter((a) => a.family === family);
        assertPublicAddresses(hostname, answers, allow);
        if (usable.length === 0) throw new FetchError('dns_not_found', `no IPv${family} address for ${hostname}`);
        if (options.all === true) {
          callback(null, usable.map((a): LookupAddress => ({ address: a.address, family: a.family })));
        } else {
          callback(null, usable[0]!.address, usable[0]!.family);
        }
      })
      .catch((err: NodeJS.ErrnoException) => callback(err, ''));
  };
}

export interface GuardedAgentOptions {
  allow: AllowList;
  resolve: Resolver;
  connectTimeoutMs: number;
  timings?: DnsTimings;
}

/**
 * An Agent built explicitly, never the global dispatcher, so HTTP_PROXY and friends are ignored
 * and every connection goes through the guarded lookup. IP literals bypass lookup in Node, which
 * is why checkUrl() must run on every hop before a request is made.
 */
export function createGuardedAgent(opts: GuardedAgentOptions): Agent {
  return new Agent({
    connect: {
      lookup: createGuardedLookup(opts.allow, opts.resolve, opts.timings),
      timeout: opts.connectTimeoutMs,
    },
    connections: 8,
    keepAliveTimeout: 4_000,
  });
}
