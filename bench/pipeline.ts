/**
 * The whole pipeline under load: N distinct URLs (the scrapinghub-aeb pages, cycled, under
 * `/p/<i>` on a local server) go through enqueue, ONE `newsworker worker` child process
 * (concurrency 16) and into SQLite, then PostgreSQL; in the same run the same pages go through
 * `extractArticle` alone. End to end should keep at least 70% of the extraction-only throughput,
 * lose and duplicate nothing, and stay under 400 MB peak RSS. Reports PASS/MISS; always exits 0.
 *
 *   npm run bench:pipeline [-- --urls 1000 --concurrency 16 --backends sqlite,postgres]
 *
 * Needs Redis (REDIS_URL, default redis://127.0.0.1:6379) and, for the PostgreSQL row,
 * BENCH_DATABASE_URL / TEST_DATABASE_URL (default the test database; a schema of its own is
 * created and dropped). `bash scripts/test-services.sh` starts both. BENCH_CPU_PROF=<dir> writes
 * a CPU profile of the worker child there. Beside the wall-clock ratio it prints CPU per URL of the
 * worker, PostgreSQL and Redis (from /proc), which a shared machine's load disturbs much less.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import pg from 'pg';
import { parseAllowList } from '../src/fetch/index.js';
import { extractArticle } from '../src/pipeline/index.js';
import { SERVICE_NODE_FLAGS } from '../src/config/node-flags.js';
import { packageRoot } from '../src/config/paths.js';
import { childScript, runtimeNote } from './lib/runtime.js';
import { openStore } from '../src/store/index.js';
import { enqueueUrls } from '../jobs/enqueue.js';
import type { IngestJobData, IngestJobResult } from '../jobs/ingest-job.js';
import { QUEUE, queueOptions, redisConnection } from '../jobs/queues.js';
import { loadPages } from './lib/dataset.js';
import { deleteKeysUnder } from '../tests/helpers/worker-harness.js';

const PROJECT_ROOT = packageRoot();
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://newsworker:newsworker@127.0.0.1:5432/newsworker_test';
const CONTENT_TYPE = 'text/html; charset=utf-8';

const TARGET_RATIO = 0.7;
const TARGET_PEAK_RSS_MB = 400;
const ENQUEUE_CHUNK = 500;
/** Passes over the 181 dataset pages in each extraction-only baseline (at most N pages). */
const BASELINE_PASSES = 5;
/** A run that stops making progress for this long is reported as it stands. */
const STALL_MS = 120_000;

type Backend = 'sqlite' | 'postgres';

interface Row {
  backend: Backend;
  seconds: number;
  urlsPerSecond: number;
  articlesPerSecond: number;
  withArticle: number;
  failed: number;
  lost: number;
  duplicated: number;
  distinctArticleIds: number;
  storedArticles: number;
  missingArticles: number;
  peakRssMb: number;
  /** CPU time of the worker process (all threads) per URL, from /proc/<pid>/stat. */
  workerCpuMsPerUrl: number;
  /** CPU time of the database server's processes (PostgreSQL) and Redis per URL, on the same cores. */
  serverCpuMsPerUrl: { database: number; redis: number };
  /** Sum of the processor's own extract timings over the wall time: how busy extraction kept the worker. */
  extractShare: number;
  failureReasons: Map<string, number>;
  /** Extraction alone, measured right before this backend's run so both see the same machine load. */
  baseline: Baseline;
}

interface Baseline {
  pagesPerSecond: number;
  cpuMsPerPage: number;
  pages: number;
}

const { values: flags } = parseArgs({
  options: {
    urls: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '16' },
    backends: { type: 'string', default: 'sqlite,postgres' },
  },
});
const URLS = Number(flags.urls);
const CONCURRENCY = Number(flags.concurrency);
const BACKENDS = flags.backends.split(',').map((b) => b.trim()) as Backend[];

/** Serves page `i % pages.length` at `/p/<i>`; robots.txt is a 404 (allow all). */
async function startPageServer(bodies: readonly Buffer[]): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const match = /^\/p\/(\d+)$/.exec(req.url ?? '');
    if (match === null) return res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    const body = bodies[Number(match[1]) % bodies.length]!;
    res.writeHead(200, { 'content-type': CONTENT_TYPE, 'content-length': body.length }).end(body);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/**
 * The same pages through `extractArticle` alone, in this process. Whole passes over the dataset
 * (up to N pages) keep the page mix the same as the N URLs'; the machine is shared, so each
 * backend gets its own baseline taken right before its run.
 */
function extractionOnly(bodies: readonly Buffer[], origin: string): Baseline {
  const pages = Math.min(URLS, BASELINE_PASSES * bodies.length);
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < pages; i++) {
    extractArticle(bodies[i % bodies.length]!, { url: `${origin}/p/${i}`, contentType: CONTENT_TYPE, fetchedAt: new Date().toISOString() });
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { pagesPerSecond: pages / seconds, cpuMsPerPage: (used.user + used.system) / 1000 / pages, pages };
}

/** utime + stime of a process in ms (clock ticks are 100 Hz on Linux). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Summed CPU ms of every process whose name starts with `prefix` (postgres backends come and go). */
function processesCpuMs(prefix: string): number {
  let sum = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').startsWith(prefix)) sum += processCpuMs(Number(entry));
    } catch {
      // gone between the listing and the read
    }
  }
  return sum;
}

/** A database of the run's own: a temp SQLite file, or a PostgreSQL schema dropped afterwards. */
async function createDatabase(backend: Backend): Promise<{ url: string; drop: () => Promise<void> }> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'newsworker-bench-'));
    return { url: join(dir, 'bench.db'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `bench_${randomUUID().replace(/-/g, '')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), drop: async () => { await admin.query(`DROP SCHEMA ${schema} CASCADE`); await admin.end(); } };
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  }));
  return out;
}

async function endToEnd(backend: Backend, origin: string, baseline: Baseline): Promise<Row> {
  const db = await createDatabase(backend);
  const prefix = `{nwbench-${randomUUID()}}`;
  const redis = redisConnection(REDIS_URL);
  const queue = new Queue<IngestJobData, IngestJobResult>(QUEUE.ingest, queueOptions(redis, { redisUrl: REDIS_URL, queuePrefix: prefix, attempts: 3, backoffMs: 200 }));
  // BENCH_CPU_PROF=<dir>: a V8 CPU profile of the worker, written when it exits.
  // The worker runs with the service's V8 flags; BENCH_WORKER_NODE_FLAGS (space-separated, may be
  // empty) replaces them, to try other settings.
  const flagsOverride = process.env.BENCH_WORKER_NODE_FLAGS;
  const nodeFlags = flagsOverride === undefined ? SERVICE_NODE_FLAGS : flagsOverride.split(/\s+/).filter((f) => f !== '');
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, ...nodeFlags, ...childScript(import.meta.url, '../src/cli/run.ts'), 'worker', '--concurrency', String(CONCURRENCY)], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env, REDIS_URL, DATABASE_URL: db.url, NEWSWORKER_QUEUE_PREFIX: prefix, NEWSWORKER_ALLOW_CIDRS: '127.0.0.1/32',
      NEWSWORKER_HOST_GAP_MS: '0', NEWSWORKER_ATTEMPTS: '3', NEWSWORKER_BACKOFF_MS: '200', LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keepTail = (d: Buffer) => { log = (log + d.toString()).slice(-20_000); };
  child.stdout.on('data', keepTail);
  child.stderr.on('data', keepTail);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    while (!/ingest worker started/.test(log)) {
      if (child.exitCode !== null) throw new Error(`worker exited early:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const allow = parseAllowList(['127.0.0.1/32']);
    const cpuAtStart = processCpuMs(child.pid!);
    const serverCpuAtStart = { database: processesCpuMs('postgres'), redis: processesCpuMs('redis-server') };
    const started = performance.now();
    const urls: string[] = [];
    for (let i = 0; i < URLS; i += ENQUEUE_CHUNK) {
      const chunk = Array.from({ length: Math.min(ENQUEUE_CHUNK, URLS - i) }, (_, k) => ({ url: `${origin}/p/${i + k}` }));
      for (const o of await enqueueUrls(queue, chunk, { allow, origin: 'bench' })) {
        if (!o.accepted) throw new Error(`enqueue refused ${o.url}: ${o.reason}`);
        urls.push(o.normalizedUrl);
      }
    }
    let done = 0;
    let lastProgress = performance.now();
    while (done < URLS && performance.now() - lastProgress < STALL_MS) {
      await new Promise((r) => setTimeout(r, 200));
      const counts = await queue.getJobCounts('completed', 'failed');
      const now = (counts.completed ?? 0) + (counts.failed ?? 0);
      if (now > done) lastProgress = performance.now();
      done = now;
    }
    const seconds = (performance.now() - started) / 1000;
    const rss = peakRssMb(child.pid!);
    const workerCpuMs = processCpuMs(child.pid!) - cpuAtStart;
    const serverCpuMs = { database: processesCpuMs('postgres') - serverCpuAtStart.database, redis: processesCpuMs('redis-server') - serverCpuAtStart.redis };
    child.kill('SIGTERM');
    const code = await exited;
    if (code !== 0) console.error(`worker exited with ${code}:\n${log.slice(-2000)}`);
    const audited = await audit(db.url, urls);
    return {
      ...audited, backend, seconds, baseline, urlsPerSecond: done / seconds, peakRssMb: rss,
      articlesPerSecond: audited.withArticle / seconds,
      workerCpuMsPerUrl: workerCpuMs / done,
      serverCpuMsPerUrl: { database: serverCpuMs.database / done, redis: serverCpuMs.redis / done },
      extractShare: audited.extractMs / 1000 / seconds,
    };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await deleteKeysUnder(redis, prefix);
    await redis.quit();
    await db.drop();
  }
}


/** What each URL ended as, from the store's attempt log, and whether its article is really there. */
async function audit(databaseUrl: string, urls: readonly string[]) {
  const store = await openStore(databaseUrl);
  try {
    const failureReasons = new Map<string, number>();
    const articleIds = new Set<string>();
    let withArticle = 0, failed = 0, lost = 0, duplicated = 0, extractMs = 0;
    const attemptsPerUrl = await mapLimit(urls, 16, (url) => store.listAttempts(url));
    for (const attempts of attemptsPerUrl) {
      const ok = attempts.filter((a) => a.status === 'ok');
      if (ok.length > 1) duplicated++;
      if (ok.length > 0) {
        withArticle++;
        for (const a of ok) {
          if (a.articleId !== null) articleIds.add(a.articleId);
          extractMs += a.timings.extractMs ?? 0;
        }
      } else if (attempts.some((a) => a.status === 'failed')) {
        failed++;
        const reason = attempts.at(-1)?.reason ?? 'unknown';
        failureReasons.set(reason, (failureReasons.get(reason) ?? 0) + 1);
      } else lost++;
    }
    const missing = await mapLimit<string, number>([...articleIds], 16, async (id) => ((await store.getArticle(id)) === null ? 1 : 0));
    return {
      withArticle, failed, lost, duplicated, failureReasons, extractMs,
      distinctArticleIds: articleIds.size,
      storedArticles: await store.countArticles(),
      missingArticles: missing.reduce((a, b) => a + b, 0),
    };
  } finally {
    await store.close();
  }
}

function verdict(ok: boolean): string {
  return ok ? 'PASS' : 'MISS';
}

async function main(): Promise<void> {
  if (!Number.isInteger(URLS) || URLS < 1 || !Number.isInteger(CONCURRENCY) || CONCURRENCY < 1) {
    console.error('--urls and --concurrency take positive integers');
    process.exitCode = 2;
    return;
  }
  const load = loadavg()[0]!.toFixed(2);
  const bodies = loadPages({ keepBytes: true }).map((p) => p.bytes!);
  const server = await startPageServer(bodies);
  console.log(`pipeline benchmark: ${URLS} URLs over ${bodies.length} dataset pages, one worker child (concurrency ${CONCURRENCY}), load average ${load}`);
  try {
    // Warm-up: the first pass compiles the extractor's hot paths; the worker warms up on its own.
    for (const [i, body] of bodies.entries()) extractArticle(body, { url: `${server.origin}/warm/${i}`, contentType: CONTENT_TYPE });
    const rows: Row[] = [];
    for (const backend of BACKENDS) {
      const baseline = extractionOnly(bodies, server.origin);
      console.log(`${backend}: extraction alone ${baseline.pagesPerSecond.toFixed(1)} pages/s over ${baseline.pages} pages`);
      const row = await endToEnd(backend, server.origin, baseline);
      rows.push(row);
      console.log(`${backend}: ${URLS} URLs end to end in ${row.seconds.toFixed(1)} s`);
    }
    report(rows);
  } finally {
    await server.close();
  }
  console.log(`load average at the end: ${loadavg()[0]!.toFixed(2)} (2 cores; other work on the machine lowers both throughputs)`);
}

function report(rows: readonly Row[]): void {
  const header = [
    'backend', 'articles/s e2e', 'URLs/s e2e', 'extract-only pages/s', 'ratio', 'articles (URLs)', 'distinct ids', 'stored',
    'failed', 'lost', 'duplicated', 'peak RSS MB', 'worker CPU ms/URL', 'PG CPU ms/URL', 'Redis CPU ms/URL',
    'extract CPU ms/page', 'extract share',
  ];
  const table = rows.map((r) => [
    r.backend, r.articlesPerSecond.toFixed(1), r.urlsPerSecond.toFixed(1), r.baseline.pagesPerSecond.toFixed(1),
    (r.urlsPerSecond / r.baseline.pagesPerSecond).toFixed(2), String(r.withArticle), String(r.distinctArticleIds),
    String(r.storedArticles), String(r.failed), String(r.lost), String(r.duplicated), r.peakRssMb.toFixed(0),
    r.workerCpuMsPerUrl.toFixed(1), r.serverCpuMsPerUrl.database.toFixed(1), r.serverCpuMsPerUrl.redis.toFixed(1),
    r.baseline.cpuMsPerPage.toFixed(1), `${(r.extractShare * 100).toFixed(0)}%`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  for (const line of [header, ...table]) console.log(line.map((cell, i) => cell.padStart(widths[i]!)).join('  '));
  console.log('ratio: URLs finished per second end to end / pages per second through extractArticle alone (same page mix)');
  console.log(`runtime: ${runtimeNote(import.meta.url)}`);
  console.log(
    'extract share: the worker\'s own extract timings summed over the wall time; with extraction inline this is the share of the ' +
      'time spent extracting, with extraction in other threads it also counts waiting for them (and can pass 100%)',
  );

  for (const r of rows) {
    // Load-independent view: CPU per URL against extraction's CPU per page. On 2 cores with every
    // process busy, end to end can reach at most 2 x extract / total of extraction alone's rate
    // (servers' CPU includes other clients of the same PostgreSQL and Redis, if any).
    const cpu = r.workerCpuMsPerUrl + r.serverCpuMsPerUrl.database + r.serverCpuMsPerUrl.redis;
    console.log(
      `${r.backend}: CPU per URL ${cpu.toFixed(1)} ms (worker ${r.workerCpuMsPerUrl.toFixed(1)}, PostgreSQL ${r.serverCpuMsPerUrl.database.toFixed(1)},` +
        ` Redis ${r.serverCpuMsPerUrl.redis.toFixed(1)}) against ${r.baseline.cpuMsPerPage.toFixed(1)} ms per page extracting alone:` +
        ` a 2-core ceiling of ${((2 * r.baseline.cpuMsPerPage / cpu) * 100).toFixed(0)}% of extraction-only`,
    );
  }
  for (const r of rows) {
    const reasons = [...r.failureReasons].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
    if (reasons !== '') console.log(`${r.backend} failures: ${reasons}`);
    if (r.missingArticles > 0) console.log(`${r.backend}: ${r.missingArticles} article ids recorded as ok are not in the store`);
    const ratio = r.urlsPerSecond / r.baseline.pagesPerSecond;
    console.log(
      `${r.backend}: ${verdict(ratio >= TARGET_RATIO)} throughput ${(ratio * 100).toFixed(0)}% (target >= ${TARGET_RATIO * 100}%)` +
        ` | ${verdict(r.lost === 0 && r.missingArticles === 0)} lost ${r.lost}` +
        ` | ${verdict(r.duplicated === 0)} duplicated ${r.duplicated}` +
        ` | ${verdict(r.peakRssMb < TARGET_PEAK_RSS_MB)} peak RSS ${r.peakRssMb.toFixed(0)} MB (target < ${TARGET_PEAK_RSS_MB})`,
    );
  }
}

await main();
