/**
 * Sitemap benchmark: one poll of a 50,000-URL news sitemap through the real path (guarded fetch,
 * streaming parse, normalization, seen-set and SQLite store lookups, enqueue on a real Redis), then
 * a second poll of the same sitemap. The sitemap is served by a child process, so the peak RSS
 * measured is the poller's alone, in the runtime the service runs in (see lib/runtime.ts). Targets: first poll under 5 s, peak
 * RSS under 300 MB. The split's "fetch + parse" excludes the filtering done between chunks.
 *
 *   npm run bench:sitemap            (REDIS_URL, default redis://127.0.0.1:6379)
 *   npm run bench:sitemap -- 20000   (another URL count)
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PerformanceObserver } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createFetcher, parseAllowList } from '../src/fetch/index.js';
import { parseSitemapDocument, pollSource, sourceSchema, SourceStateStore } from '../src/sources/index.js';
import { openStore } from '../src/store/index.js';
import { loadSettings } from '../src/config/settings.js';
import { QUEUE, queueOptions } from '../jobs/queues.js';
import type { IngestJobData } from '../jobs/ingest-job.js';
import { startLocalServer } from '../tests/helpers/local-server.js';
import { childScript, runtimeNote } from './lib/runtime.js';

const TARGET_MS = 5000;
const TARGET_RSS_MB = 300;
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

/** Redis server CPU seconds so far (user + system); the server is shared, so other clients count too. */
async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

function sitemap(origin: string, n: number): Buffer {
  const parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'];
  const base = Date.parse('2026-11-28T12:00:00Z');
  for (let i = 0; i < n; i++) {
    const date = new Date(base - i * 60_000).toISOString();
    parts.push(
      `<url><loc>${origin}/news/2026/11/28/article-${i}.html?utm_source=sitemap&amp;id=${i}</loc><lastmod>${date}</lastmod>` +
        `<news:news><news:publication><news:name>Example News</news:name><news:language>en</news:language></news:publication>` +
        `<news:publication_date>${date}</news:publication_date><news:title>Story number ${i} &amp; what it means for the region</news:title></news:news></url>\n`,
    );
  }
  parts.push('</urlset>\n');
  return Buffer.from(parts.join(''));
}

/** Child mode: serve the sitemap on 127.0.0.2 and print the origin and size. */
async function serve(count: number): Promise<void> {
  const server = await startLocalServer({ host: '127.0.0.2' });
  const body = sitemap(server.origin, count);
  server.route('/news-sitemap.xml', (_req, res) => res.writeHead(200, { 'content-type': 'application/xml' }).end(body));
  process.stdout.write(`${server.origin} ${body.length}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
}

async function startServer(count: number): Promise<{ origin: string; bytes: number; stop(): void }> {
  const child = spawn(process.execPath, [...childScript(import.meta.url, './sitemap.ts'), '--serve', String(count)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`sitemap server exited with ${code}`)));
  });
  const [origin, bytes] = line.split(' ');
  return { origin: origin!, bytes: Number(bytes), stop: () => child.stdin!.end() };
}

async function bench(count: number): Promise<void> {
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const server = await startServer(count);
  const prefix = `{bench-sitemap-${randomUUID()}}`;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const dir = mkdtempSync(join(tmpdir(), 'newsworker-bench-'));
  const store = await openStore(join(dir, 'bench.db'));
  const fetcher = createFetcher({ allowCidrs: ['127.0.0.2/32'] });
  // The service's queue options (attempts, backoff, removal ages), so each job carries what it does in production.
  const ingestQueue = new Queue<IngestJobData>(QUEUE.ingest, queueOptions(redis, { ...loadSettings({}), redisUrl, queuePrefix: prefix }));
  await ingestQueue.waitUntilReady();
  const deps = { fetcher, state: new SourceStateStore(redis, { prefix }), ingestQueue, allow: parseAllowList(['127.0.0.2/32']), store };
  const source = sourceSchema.parse({ id: 'bench', url: `${server.origin}/news-sitemap.xml`, kind: 'sitemap', maxItems: 50_000 });

  const baseline = process.memoryUsage().rss;
  const baseHeap = process.memoryUsage().heapUsed;
  let peak = baseline;
  let atPeak = process.memoryUsage();
  const sample = () => {
    const m = process.memoryUsage();
    if (m.rss > peak) (peak = m.rss), (atPeak = m);
  };
  const sampler = setInterval(sample, 5);
  // CPU time says what the poll costs when a loaded machine stretches its wall time.
  let gcMs = 0;
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  try {
    const redisCpuBefore = await redisCpuSeconds(redis);
    gcObserver.observe({ entryTypes: ['gc'] });
    const cpuBefore = process.cpuUsage();
    let t = performance.now();
    const first = await pollSource(source, deps, { force: true });
    const firstMs = performance.now() - t;
    const cpu = process.cpuUsage(cpuBefore);
    sample();
    clearInterval(sampler);
    await new Promise((resolve) => setImmediate(resolve));
    gcObserver.disconnect();
    const redisCpuMs = (await redisCpuSeconds(redis)) - redisCpuBefore;
    const queued = await ingestQueue.count();

    t = performance.now();
    const second = await pollSource(source, deps, { force: true });
    const secondMs = performance.now() - t;

    // Parse alone, after the peak was taken, to show how the time splits.
    const page = await fetcher.fetchPage(source.url, { acceptTypes: ['application/xml'], maxBytes: 60 * 1024 * 1024 });
    t = performance.now();
    const parsed = parseSitemapDocument(page.body.toString('utf8'), source.url);
    const parseMs = performance.now() - t;

    const correct = first.status === 'ok' && first.enqueued === count && queued === count && second.enqueued === 0;
    const rows: Array<[string, string]> = [
      ['sitemap', `${count} URLs with news fields, ${mb(server.bytes)} MB`],
      ['first poll', `${firstMs.toFixed(0)} ms: fetch, parse, normalize, seen-set and store lookups, enqueue of ${first.enqueued} (queue holds ${queued})`],
      ['  split', `fetch + parse ${first.timings.collectMs} ms, normalize + seen-set + store lookups ${first.timings.filterMs} ms, enqueue ${first.timings.enqueueMs} ms`],
      ['  CPU', `poller ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms (of which GC pauses ${gcMs.toFixed(0)} ms), Redis server ${(redisCpuMs * 1000).toFixed(0)} ms (shared: other clients count too)`],
      ['second poll', `${secondMs.toFixed(0)} ms: ${second.found} listed after lastmod, ${second.enqueued} queued`],
      ['parse alone', `${parseMs.toFixed(0)} ms (${parsed.kind === 'urlset' ? parsed.entries.length : 0} entries)`],
      ['peak RSS', `${mb(peak)} MB (${mb(baseline)} MB before the poll, modules loaded, of which V8 heap ${mb(baseHeap)} MB)`],
      ['  at peak', `V8 heap ${mb(atPeak.heapUsed)} MB used of ${mb(atPeak.heapTotal)} MB, external ${mb(atPeak.external)} MB (buffers ${mb(atPeak.arrayBuffers)} MB)`],
      ['runtime', runtimeNote(import.meta.url)],
      ['machine', `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} cores`],
    ];
    for (const [k, v] of rows) console.log(`${k.padEnd(12)} ${v}`);
    const timeOk = firstMs < TARGET_MS;
    const rssOk = peak < TARGET_RSS_MB * 1024 * 1024;
    console.log(`targets      first poll < ${TARGET_MS} ms: ${timeOk ? 'met' : 'MISSED'}; peak RSS < ${TARGET_RSS_MB} MB: ${rssOk ? 'met' : 'MISSED'}; results ${correct ? 'correct' : 'WRONG'}`);
    if (!correct) process.exitCode = 1;
  } finally {
    clearInterval(sampler);
    await ingestQueue.obliterate({ force: true }).catch(() => undefined);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await ingestQueue.close();
    await redis.quit();
    await fetcher.close();
    await store.close();
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
if (args[0] === '--serve') await serve(Number(args[1]));
else await bench(Number(args[0] ?? 50_000));
