/**
 * The service's settings, read from the environment and validated on start. Each setting is
 * declared once, with its environment variable, its schema and its default; the `Settings` type is
 * inferred from the declarations. A bad value stops the process with a message naming the
 * variable, the value and what was expected.
 *
 * The variable names are fixed: operators' scripts depend on them.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';

const int = (min: number) => z.coerce.number().int().min(min);
const csv = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x !== ''));

const declarations = {
  /** Redis for the queues. Unset: the service command starts a local redis-server. */
  redisUrl: { env: 'REDIS_URL', schema: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL').optional() },
  /** `postgres://…` for PostgreSQL; a file path or `sqlite:` URL for SQLite; unset: ./data/newsworker.db. */
  databaseUrl: { env: 'DATABASE_URL', schema: z.string().min(1).optional() },
  /** CIDRs the SSRF guard lets through (tests, intranets). */
  allowCidrs: { env: 'NEWSWORKER_ALLOW_CIDRS', schema: csv.default([]) },
  /** Minimum gap between two requests to one host; Crawl-delay and Retry-After only raise it. */
  hostGapMs: { env: 'NEWSWORKER_HOST_GAP_MS', schema: int(0).default(1000) },
  userAgent: {
    env: 'NEWSWORKER_USER_AGENT',
    schema: z.string().min(1).default('newsworker/0.1 (+https://github.com/newsworker/newsworker)'),
  },
  /** Attempts per URL before it is given up (transient failures only; permanent ones fail at once). */
  attempts: { env: 'NEWSWORKER_ATTEMPTS', schema: int(1).default(5) },
  /** Base of the exponential backoff between attempts. */
  backoffMs: { env: 'NEWSWORKER_BACKOFF_MS', schema: int(0).default(5000) },
  concurrency: { env: 'NEWSWORKER_CONCURRENCY', schema: int(1).default(8) },
  /** How long SIGTERM waits for running jobs before aborting them. */
  shutdownMs: { env: 'NEWSWORKER_SHUTDOWN_MS', schema: int(0).default(30_000) },
  /**
   * How long a job's lock lives without renewal. A worker killed outright (SIGKILL, OOM) holds its
   * jobs until the lock expires; only then can another worker take them over.
   */
  lockMs: { env: 'NEWSWORKER_LOCK_MS', schema: int(100).default(30_000) },
  /** How often workers look for jobs whose lock expired (stalled) and put them back in the queue. */
  stalledIntervalMs: { env: 'NEWSWORKER_STALLED_INTERVAL_MS', schema: int(100).default(30_000) },
  headersTimeoutMs: { env: 'NEWSWORKER_HEADERS_TIMEOUT_MS', schema: int(1).default(10_000) },
  bodyTimeoutMs: { env: 'NEWSWORKER_BODY_TIMEOUT_MS', schema: int(1).default(15_000) },
  totalTimeoutMs: { env: 'NEWSWORKER_TOTAL_TIMEOUT_MS', schema: int(1).default(30_000) },
  maxBytes: { env: 'NEWSWORKER_MAX_BYTES', schema: int(1024).default(8 * 1024 * 1024) },
  /** The queue prefix; its `{…}` hash tag keeps a queue's keys on one Redis Cluster slot. */
  queuePrefix: { env: 'NEWSWORKER_QUEUE_PREFIX', schema: z.string().regex(/^\{[^{}]+\}$/, 'a Redis Cluster hash tag such as {newsworker}').default('{newsworker}') },
  /**
   * `sandbox`: extraction runs in worker threads with heap, stack and time limits, so a page that
   * blows the parser fails alone; `inline`: in the worker's own thread (cheaper, no isolation).
   */
  extractIsolation: { env: 'NEWSWORKER_EXTRACT_ISOLATION', schema: z.enum(['sandbox', 'inline']).default('sandbox') },
  logLevel: { env: 'LOG_LEVEL', schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') },
  host: { env: 'HOST', schema: z.string().min(1).default('127.0.0.1') },
  port: { env: 'PORT', schema: int(0).max(65535).default(3000) },
  apiToken: { env: 'NEWSWORKER_API_TOKEN', schema: z.string().min(16, 'at least 16 characters').optional() },
  adminUser: { env: 'NEWSWORKER_ADMIN_USER', schema: z.string().min(1).optional() },
  adminPassword: { env: 'NEWSWORKER_ADMIN_PASSWORD', schema: z.string().min(8, 'at least 8 characters').optional() },
  sourcesFile: { env: 'NEWSWORKER_SOURCES', schema: z.string().min(1).optional() },
} as const;

type Declarations = typeof declarations;
export type Settings = { [K in keyof Declarations]: z.output<Declarations[K]['schema']> };

/** Reads every setting from `env`; throws one ConfigError listing every bad variable. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, { env: name, schema }] of Object.entries(declarations)) {
    const raw = env[name];
    const parsed = (schema as z.ZodType).safeParse(raw === '' ? undefined : raw);
    if (parsed.success) out[key] = parsed.data;
    else problems.push(`${name}=${JSON.stringify(raw)}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  if (problems.length > 0) throw new ConfigError(`invalid settings: ${problems.join('; ')}`);
  return out as Settings;
}

/** The environment variable behind each setting, for help texts and the README. */
export function settingVariables(): Record<keyof Settings, string> {
  return Object.fromEntries(Object.entries(declarations).map(([k, d]) => [k, d.env])) as Record<keyof Settings, string>;
}
