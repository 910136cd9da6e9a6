/**
 * Per-host pacing across workers: two worker instances share one host's gap through Redis, so the
 * server sees the host's pages at least the gap apart, however the jobs are spread.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startIngestWorker, type RunningWorker } from '../../jobs/worker.js';
import { startLocalServer, type LocalServer } from '../helpers/local-server.js';
import {
  articleHtml, createTestDatabase, openTestQueue, paragraphsAbout, PUBLIC_STAND_IN, silentLogger, testSettings,
  type TestDatabase, type TestQueue,
} from '../helpers/worker-harness.js';

const PAGES = 6;
const GAP_MS = 300;
/**
 * Slack between a Redis reservation and its request reaching the server. Workers and server share
 * this process's event loop, so one page being extracted delays both, by up to ~100 ms on two busy
 * cores. Broken pacing shows up as gaps near 0 (see the control run), far below GAP_MS - this.
 */
const TOLERANCE_MS = 150;
/**
 * How long the server holds each response: longer than the gap, so a worker (concurrency 1) is
 * still busy with its page when the host's next slot opens, and the other worker takes that job.
 * Without it, which worker wins a freed job is BullMQ's race, and once extraction got faster one
 * instance often won all six (the "both took part" check failed in about 1 run in 3).
 */
const HOLD_MS = GAP_MS + 100;

interface Run {
  /** When the server received each page request (ms), in order. */
  arrivals: number[];
  completed: number;
  /** Pages each worker fetched and stored. */
  perWorker: number[];
}

let cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

/** Two workers (concurrency 1 each), PAGES pages of one host, the given host gap. */
async function ingestWithTwoWorkers(hostGapMs: number): Promise<Run> {
  const db: TestDatabase = await createTestDatabase('sqlite');
  cleanups.push(() => db.cleanup());
  const settings = testSettings({ databaseUrl: db.url, hostGapMs, concurrency: 1 });
  const q: TestQueue = await openTestQueue(settings);
  cleanups.push(() => q.cleanup());
  const server: LocalServer = await startLocalServer({ host: PUBLIC_STAND_IN });
  cleanups.push(() => server.close());

  const arrivals: number[] = [];
  for (let i = 0; i < PAGES; i++) {
    server.route(`/a/${i}`, (_req, res) => {
      arrivals.push(performance.now());
      setTimeout(() => {
        res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end(articleHtml({ url: server.url(`/a/${i}`), title: `Story ${i}`, paragraphs: paragraphsAbout(`Town${i}`) }));
      }, HOLD_MS);
    });
  }
  const perWorker = [0, 0];
  for (let w = 0; w < 2; w++) {
    const running: RunningWorker = await startIngestWorker(settings, silentLogger, {
      onOutcome: (o) => {
        if (o.status === 'ok') perWorker[w]! += 1;
      },
    });
    cleanups.push(() => running.stop(2_000));
  }

  const outcomes = await q.enqueue(Array.from({ length: PAGES }, (_, i) => server.url(`/a/${i}`)));
  const finished = await Promise.all(outcomes.map((o) => (o.accepted ? q.waitForJob(o.jobId, 30_000) : Promise.reject(new Error(o.reason)))));
  return { arrivals, completed: finished.filter((f) => f.state === 'completed').length, perWorker };
}

function gaps(times: readonly number[]): number[] {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted.slice(1).map((t, i) => t - sorted[i]!);
}

describe('per-host pacing with two workers', () => {
  it('keeps every request to the host at least the gap apart', async () => {
    const run = await ingestWithTwoWorkers(GAP_MS);
    expect(run.completed).toBe(PAGES);
    expect(run.arrivals).toHaveLength(PAGES);
    // Both instances took part, so the gap held across processes' worth of workers, not inside one.
    expect(run.perWorker.every((n) => n > 0), `pages per worker ${run.perWorker.join('/')}`).toBe(true);
    const between = gaps(run.arrivals);
    const shown = `gaps ${between.map((g) => g.toFixed(0)).join(', ')}`;
    expect(Math.min(...between), shown).toBeGreaterThanOrEqual(GAP_MS - TOLERANCE_MS);
    // Jitter cannot shorten the whole run: PAGES requests need PAGES - 1 gaps.
    expect(between.reduce((a, b) => a + b, 0), shown).toBeGreaterThanOrEqual((PAGES - 1) * GAP_MS - TOLERANCE_MS);
  });

  it('without a gap the same run is not spread out (the measurement can fail)', async () => {
    const run = await ingestWithTwoWorkers(0);
    expect(run.completed).toBe(PAGES);
    expect(Math.min(...gaps(run.arrivals))).toBeLessThan(GAP_MS - TOLERANCE_MS);
  });
});
