import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { ConfigError } from '../errors.js';

const ms = z.number().int().positive();

/** Media types a page fetch accepts unless the caller widens them (the feed poller adds XML). */
export const PAGE_TYPES = ['text/html', 'application/xhtml+xml', 'text/plain'] as const;

export const robotsConfigSchema = z.object({
  /** Check robots.txt before every hop. @defaultValue true */
  enabled: z.boolean().default(true),
  /** How long a fetched robots.txt (or its 4xx "allow all") is trusted. @defaultValue 1 h */
  ttlMs: ms.default(60 * 60 * 1000),
  /**
   * How long a 5xx, 429 or network failure on robots.txt means "disallow everything". Google does
   * the same (a server error on robots.txt is read as full disallow) but for up to 12 h; we retry
   * sooner because jobs wait on it. @defaultValue 10 min
   */
  unavailableTtlMs: ms.default(10 * 60 * 1000),
  /** Bytes of robots.txt parsed; the rest is ignored. Google reads 500 KiB. @defaultValue 512 KiB */
  maxBytes: ms.default(512 * 1024),
  /** Origins remembered at once. @defaultValue 10 000 */
  maxEntries: z.number().int().positive().default(10_000),
});

export const fetcherConfigSchema = z.object({
  /** Sent on every request, robots.txt included. */
  userAgent: z.string().min(1).default('newsworker/0.1'),
  /** Product token matched against robots.txt User-agent lines. @defaultValue "newsworker" */
  robotsToken: z.string().min(1).default('newsworker'),
  /** From the start of a hop until response headers arrive; also bounds the TCP/TLS connect. @defaultValue 10 s */
  headersTimeoutMs: ms.default(10_000),
  /** Longest silence between two body chunks. @defaultValue 15 s */
  bodyTimeoutMs: ms.default(15_000),
  /** Deadline for the whole fetch, all redirect hops and robots.txt included. @defaultValue 30 s */
  totalTimeoutMs: ms.default(30_000),
  /** Redirects followed; one more is too_many_redirects. @defaultValue 5 */
  maxRedirects: z.number().int().min(0).max(20).default(5),
  /** Cap on decoded (decompressed) body bytes. @defaultValue 8 MiB */
  maxBytes: ms.default(8 * 1024 * 1024),
  /** Accepted media types (lower case, no parameters); "*\/*" accepts anything. */
  acceptTypes: z.array(z.string().trim().toLowerCase().min(1)).default([...PAGE_TYPES]),
  /** Ranges opened despite the SSRF policy, e.g. from NEWSWORKER_ALLOW_CIDRS. @defaultValue [] */
  allowCidrs: z
    .array(z.string().refine((c) => ipaddr.isValidCIDR(c.trim()), { message: 'expected a CIDR such as 203.0.113.0/24' }))
    .default([]),
  robots: robotsConfigSchema.prefault({}),
});

/** What callers write: every field optional. */
export type FetcherConfigInput = z.input<typeof fetcherConfigSchema>;
/** What the fetcher uses: defaults applied. */
export type FetcherConfig = z.output<typeof fetcherConfigSchema>;

export function parseFetcherConfig(input: FetcherConfigInput = {}): FetcherConfig {
  const result = fetcherConfigSchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ConfigError(`fetcher config: ${issues}`, { cause: result.error });
  }
  return result.data;
}
