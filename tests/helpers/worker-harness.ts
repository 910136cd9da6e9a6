/**
 * Test support for the ingest worker suites: settings with a queue prefix of their own, a store of
 * their own (a temp SQLite file or a fresh PostgreSQL schema), a queue handle that waits for jobs
 * and deletes every key under the prefix afterwards, article pages to serve, and worker child
 * processes for the tests that kill one.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import pg from 'pg';
import { pino, type Logger } from 'pino';
import { loadSettings, settingVariables, type Settings } from '../../src/config/settings.js';
import { parseAllowList } from '../../src/fetch/index.js';
import { enqueueUrls, type EnqueueOutcome } from '../../jobs/enqueue.js';
import { QUEUE, queueOptions, redisConnection } from '../../jobs/queues.js';
import type { IngestJobData, IngestJobResult } from '../../jobs/ingest-job.js';
import { TEST_DATABASE_URL, urlWithSchema } from '../store/helpers.js';
import { PROJECT_ROOT } from './run-cli.js';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export { TEST_DATABASE_URL };

/** 127.0.0.2 plays the public internet: the only range the SSRF guard lets through in tests. */
export const PUBLIC_STAND_IN = '127.0.0.2';

export type Backend = 'sqlite' | 'postgres';
export const BACKENDS: readonly Backend[] = ['sqlite', 'postgres'];

export const silentLogger: Logger = pino({ level: 'silent' });

/**
 * Settings for one test: its own `{nwtest-<uuid>}` prefix, 127.0.0.2 allowlisted, no host gap,
 * two attempts with a short backoff and short timeouts, so failure tests finish quickly.
 */
export function testSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    ...loadSettings({}),
    redisUrl: TEST_REDIS_URL,
    queuePrefix: `{nwtest-${randomUUID()}}`,
    allowCidrs: [`${PUBLIC_STAND_IN}/32`],
    hostGapMs: 0,
    attempts: 2,
    backoffMs: 50,
    concurrency: 4,
    headersTimeoutMs: 2_000,
    bodyTimeoutMs: 2_000,
    totalTimeoutMs: 4_000,
    shutdownMs: 5_000,
    logLevel: 'silent',
    ...overrides,
  };
}

/** The environment that makes `loadSettings()` in a child process return `settings`. */
export function settingsEnv(settings: Settings): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, name] of Object.entries(settingVariables())) {
    const value = settings[key as keyof Settings];
    if (value === undefined) continue;
    env[name] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return env;
}

export interface TestDatabase {
  backend: Backend;
  /** A DATABASE_URL for openStore and for child processes. */
  url: string;
  cleanup(): Promise<void>;
}

/** A database nobody else uses: a temp SQLite file, or a PostgreSQL schema dropped afterwards. */
export async function createTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'newsworker-worker-'));
    return { backend, url: join(dir, 'worker.db'), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `worker_test_${randomUUID().replace(/-/g, '')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  return {
    backend,
    url: urlWithSchema(TEST_DATABASE_URL, schema),
    async cleanup() {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

export interface FinishedJob {
  state: 'completed' | 'failed';
  failedReason: string | undefined;
  returnvalue: IngestJobResult | undefined;
  attemptsMade: number;
}

export interface TestQueue {
  queue: Queue<IngestJobData, IngestJobResult>;
  redis: Redis;
  enqueue(urls: readonly string[]): Promise<EnqueueOutcome[]>;
  /** Polls until the job is completed or failed for good; throws after `timeoutMs`. */
  waitForJob(jobId: string, timeoutMs?: number): Promise<FinishedJob>;
  /** Closes the queue and deletes every key under the test's prefix (queue, pacing, locks). */
  cleanup(): Promise<void>;
}

export async function openTestQueue(settings: Settings): Promise<TestQueue> {
  const redisUrl = settings.redisUrl ?? TEST_REDIS_URL;
  const redis = redisConnection(redisUrl);
  const queue = new Queue<IngestJobData, IngestJobResult>(QUEUE.ingest, queueOptions(redis, { ...settings, redisUrl }));
  await queue.waitUntilReady();
  const allow = parseAllowList(settings.allowCidrs);
  return {
    queue,
    redis,
    enqueue: (urls) => enqueueUrls(queue, urls.map((url) => ({ url })), { allow, origin: 'test' }),
    async waitForJob(jobId, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // State first, then the job: a job read while still active would lack its result.
        const state = await queue.getJobState(jobId);
        const job = state === 'completed' || state === 'failed' ? await queue.getJob(jobId) : undefined;
        if (job && (state === 'completed' || state === 'failed')) {
          return { state, failedReason: job.failedReason, returnvalue: job.returnvalue ?? undefined, attemptsMade: job.attemptsMade };
        }
        if (Date.now() > deadline) throw new Error(`job ${jobId} still ${state} after ${timeoutMs} ms`);
        await sleep(50);
      }
    },
    async cleanup() {
      await queue.close();
      await deleteKeysUnder(redis, settings.queuePrefix);
      await redis.quit();
    },
  };
}

/** Deletes every key starting with `prefix` (SCAN, not KEYS, so a shared Redis is not blocked). */
export async function deleteKeysUnder(redis: Redis, prefix: string): Promise<void> {
  // `[` and `]` are the only glob characters a `{nwtest-…}` prefix could contain; it has none.
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value other than undefined; throws after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

const FIXTURE_DIR = join(PROJECT_ROOT, 'tests/fixtures/pages');

export function fixtureSource(name: string): Buffer {
  return readFileSync(join(FIXTURE_DIR, name, 'source.html'));
}

export function fixtureExpected(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, name, 'expected.json'), 'utf8')) as Record<string, unknown>;
}

/**
 * A small news page whose canonical URL is where it is served, so every served path is its own
 * article. Paragraphs are long enough for the generic extractor to keep them.
 */
export function articleHtml(page: { url: string; title: string; paragraphs: readonly string[] }): string {
  const body = page.paragraphs.map((p) => `<p>${p}</p>`).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${page.title}</title>
<link rel="canonical" href="${page.url}"><meta property="og:title" content="${page.title}">
<meta property="article:published_time" content="2026-11-20T08:00:00Z"></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>${page.title}</h1>
${body}
</article><footer>Copyright 2026 Test News. All rights reserved.</footer></body></html>`;
}

/** Paragraphs of distinct sentences, seeded by `topic`, for pages that must not be near-duplicates. */
export function paragraphsAbout(topic: string, count = 4): string[] {
  return Array.from({ length: count }, (_, i) =>
    `${topic} report, part ${i + 1}: officials in the ${topic} district said on Tuesday that the ${['harbour', 'railway', 'school', 'market', 'bridge'][i % 5]} ` +
    `project would need ${i + 3} more months of work, while residents of ${topic} asked for clearer timetables and a public meeting before winter.`,
  );
}

export interface WorkerChild {
  readonly process: ChildProcessWithoutNullStreams;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once the output matches `pattern`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/** `newsworker worker` as a child process, configured entirely through its environment. */
export function spawnWorker(settings: Settings, extraEnv: Record<string, string> = {}): WorkerChild {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'src/cli/run.ts'), 'worker'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...settingsEnv(settings), ...extraEnv },
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    process: child,
    output: () => output,
    exited,
    waitForOutput: (pattern, timeoutMs = 20_000) =>
      eventually(() => (pattern.test(output) ? true : undefined), timeoutMs, `worker output ${pattern}`).then(() => undefined),
  };
}
