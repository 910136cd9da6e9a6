import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FetchError, hostGapMs, HostPacer, penaltyMsFor } from '../../src/fetch/index.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

// Two clients stand for two worker processes.
let clientA: Redis;
let clientB: Redis;
const prefixes: string[] = [];

function pacers(): [HostPacer, HostPacer] {
  const keyPrefix = `test:pacer:${randomUUID()}:`;
  prefixes.push(keyPrefix);
  return [new HostPacer(clientA, { keyPrefix }), new HostPacer(clientB, { keyPrefix })];
}

beforeAll(() => {
  clientA = new Redis(REDIS_URL);
  clientB = new Redis(REDIS_URL);
});

afterEach(async () => {
  // Each test has its own prefix; remove what it wrote so the shared Redis stays clean.
  for (const prefix of prefixes.splice(0)) {
    const keys = await clientA.keys(`${prefix}*`);
    if (keys.length > 0) await clientA.del(...keys);
  }
});

afterAll(async () => {
  await clientA.quit();
  await clientB.quit();
});

describe('HostPacer', () => {
  it('lets one of two workers through per gap and tells the other how long to wait', async () => {
    const [a, b] = pacers();
    expect(await a.reserve('news.example', 300)).toEqual({ ok: true });
    const second = await b.reserve('news.example', 300);
    expect(second.ok).toBe(false);
    const waitMs = second.ok ? 0 : second.waitMs;
    expect(waitMs).toBeGreaterThan(200);
    expect(waitMs).toBeLessThanOrEqual(300);
    await sleep(waitMs + 5);
    expect(await b.reserve('news.example', 300)).toEqual({ ok: true });
    expect((await a.reserve('news.example', 300)).ok).toBe(false);
  });

  it('grants exactly one slot to 20 concurrent reservations from two clients', async () => {
    const [a, b] = pacers();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).reserve('busy.example', 5_000)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('keeps the gap between granted slots while two workers poll', async () => {
    const [a, b] = pacers();
    const granted: number[] = [];
    const poll = async (pacer: HostPacer): Promise<void> => {
      const until = performance.now() + 1_000;
      while (performance.now() < until) {
        if ((await pacer.reserve('paced.example', 200)).ok) granted.push(performance.now());
        await sleep(5);
      }
    };
    await Promise.all([poll(a), poll(b)]);
    granted.sort((x, y) => x - y);
    const gaps = granted.slice(1).map((t, i) => t - granted[i]!);
    // Ideal: 5 grants, 200 ms apart. Local timestamps are taken after a round trip on a busy
    // 2-core machine, so allow jitter; the Redis clock itself never grants inside a gap.
    expect(granted.length).toBeGreaterThanOrEqual(4);
    expect(granted.length).toBeLessThanOrEqual(6);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(150);
  });

  it('paces hosts independently and treats case and trailing dot as the same host', async () => {
    const [a, b] = pacers();
    expect((await a.reserve('one.example', 10_000)).ok).toBe(true);
    expect((await b.reserve('two.example', 10_000)).ok).toBe(true);
    expect((await b.reserve('ONE.example.', 10_000)).ok).toBe(false);
  });

  it('penalize raises the next slot and never lowers it', async () => {
    const [a, b] = pacers();
    expect((await a.reserve('slow.example', 100)).ok).toBe(true);
    const wait = await b.penalize('slow.example', 5_000);
    expect(wait).toBeGreaterThan(4_900);
    expect(await a.penalize('slow.example', 50)).toBeGreaterThan(4_900);
    const refused = await b.reserve('slow.example', 100);
    expect(refused.ok).toBe(false);
    expect(refused.ok ? 0 : refused.waitMs).toBeGreaterThan(4_900);
    expect(await a.penalize('fresh.example', 2_000)).toBeGreaterThan(1_900);
    expect((await b.reserve('fresh.example', 100)).ok).toBe(false);
  });

  it('rejects negative or non-finite gaps', async () => {
    const [a] = pacers();
    await expect(a.reserve('x.example', -1)).rejects.toThrow(RangeError);
    await expect(a.penalize('x.example', Number.NaN)).rejects.toThrow(RangeError);
  });
});

describe('hostGapMs', () => {
  const table: Array<[floor: number, crawlDelay: number | undefined, expected: number]> = [
    [1_000, undefined, 1_000],
    [1_000, 500, 1_000],
    [1_000, 3_000, 3_000],
    [1_000, 3_600_000, 60_000],
    [90_000, 3_000, 90_000],
  ];
  it.each(table)('floor %i, Crawl-delay %s → %i', (floor, crawlDelay, expected) => {
    expect(hostGapMs(floor, crawlDelay)).toBe(expected);
  });
});

describe('penaltyMsFor', () => {
  const table: Array<[error: FetchError, expected: number | undefined]> = [
    [new FetchError('http_429', '429', { status: 429, retryAfterMs: 7_000 }), 7_000],
    [new FetchError('http_429', '429', { status: 429 }), 60_000],
    [new FetchError('http_5xx', '503', { status: 503, retryAfterMs: 120_000 }), 120_000],
    [new FetchError('http_5xx', '503', { status: 503, retryAfterMs: 30 * 24 * 3600_000 }), 3600_000],
    [new FetchError('http_5xx', '500', { status: 500 }), undefined],
    [new FetchError('http_4xx', '404', { status: 404 }), undefined],
    [new FetchError('timeout_headers', 'slow'), undefined],
  ];
  it.each(table)('%s → %s', (error, expected) => {
    expect(penaltyMsFor(error)).toBe(expected);
  });
});
