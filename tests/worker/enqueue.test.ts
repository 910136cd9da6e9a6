/**
 * enqueueUrls against real Redis and the production queue options, with jobs put in each state by
 * a real BullMQ worker: a finished job's id is cleared so the URL is fetched again, an unfinished
 * one absorbs the duplicate, and callers racing on a finished URL leave one job.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Worker } from 'bullmq';
import { parseAllowList } from '../../src/fetch/index.js';
import { checkUrlForQueue, enqueueUrls, urlCheckerForQueue, validateUrl, type EnqueueOutcome } from '../../jobs/enqueue.js';
import { QUEUE, redisConnection } from '../../jobs/queues.js';
import type { IngestJobData, IngestJobResult } from '../../jobs/ingest-job.js';
import { openTestQueue, PUBLIC_STAND_IN, testSettings, TEST_REDIS_URL, type TestQueue } from '../helpers/worker-harness.js';

const allow = parseAllowList([`${PUBLIC_STAND_IN}/32`]);
const url = (path: string) => `http://${PUBLIC_STAND_IN}:8080${path}`;

function jobIdOf(outcome: EnqueueOutcome | undefined): string {
  if (!outcome?.accepted) throw new Error(`not accepted: ${JSON.stringify(outcome)}`);
  return outcome.jobId;
}

describe('enqueueUrls and jobs already under the same id', () => {
  let q: TestQueue;
  let settings: ReturnType<typeof testSettings>;

  beforeEach(async () => {
    settings = testSettings({ attempts: 1 });
    q = await openTestQueue(settings);
  });
  afterEach(async () => {
    await q.cleanup();
  });

  const enqueue = (paths: readonly string[], origin: string) => enqueueUrls(q.queue, paths.map((p) => ({ url: url(p) })), { allow, origin });

  /** Runs every waiting job to its end with `outcome`, then stops the worker. */
  async function finishAll(outcome: 'completed' | 'failed', expected: number): Promise<void> {
    const connection = redisConnection(TEST_REDIS_URL);
    let done = 0;
    const settled = new Promise<void>((resolve) => {
      const worker = new Worker<IngestJobData, IngestJobResult>(
        QUEUE.ingest,
        async () => {
          if (outcome === 'failed') throw new Error('refused by the test');
          return { status: 'not_modified' };
        },
        { connection, prefix: settings.queuePrefix },
      );
      worker.on(outcome, () => {
        done += 1;
        if (done === expected) void worker.close().then(resolve);
      });
    });
    await settled;
    await connection.quit();
  }

  it.each([
    { finished: 'completed' as const, paths: ['/a'] },
    { finished: 'failed' as const, paths: ['/a'] },
    { finished: 'completed' as const, paths: ['/a', '/b', '/c'] },
  ])('a $finished job is cleared and its URL queued again ($paths.length URLs)', async ({ finished, paths }) => {
    const first = await enqueue(paths, 'first');
    await finishAll(finished, paths.length);
    for (const o of first) expect(await q.queue.getJobState(jobIdOf(o))).toBe(finished);

    const again = await enqueue(paths, 'again');
    for (const [i, o] of again.entries()) {
      expect(jobIdOf(o)).toBe(jobIdOf(first[i]));
      expect(await q.queue.getJobState(jobIdOf(o))).toBe('waiting');
      expect((await q.queue.getJob(jobIdOf(o)))?.data.origin).toBe('again');
    }
    expect(await q.queue.getWaitingCount()).toBe(paths.length);
  });

  it('a waiting job absorbs the duplicate: one job, the first caller\'s data', async () => {
    const [first] = await enqueue(['/w'], 'first');
    const [second] = await enqueue(['/w'], 'second');
    expect(jobIdOf(second)).toBe(jobIdOf(first));
    expect(await q.queue.getWaitingCount()).toBe(1);
    expect((await q.queue.getJob(jobIdOf(first)))?.data.origin).toBe('first');
  });

  it('a delayed job (a retry waiting for its backoff) absorbs the duplicate and stays delayed', async () => {
    const jobId = jobIdOf(validateUrl(url('/d'), allow));
    await q.queue.add('ingest', { url: url('/d'), origin: 'retry', enqueuedAt: new Date().toISOString() }, { jobId, delay: 60_000 });
    await enqueue(['/d'], 'duplicate');
    expect(await q.queue.getJobState(jobId)).toBe('delayed');
    expect((await q.queue.getJob(jobId))?.data.origin).toBe('retry');
    expect(await q.queue.getWaitingCount()).toBe(0);
  });

  it('a running job absorbs the duplicate and is not queued again behind itself', async () => {
    const [first] = await enqueue(['/r'], 'first');
    const jobId = jobIdOf(first);
    const connection = redisConnection(TEST_REDIS_URL);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let runs = 0;
    const worker = new Worker<IngestJobData, IngestJobResult>(
      QUEUE.ingest,
      async () => {
        runs += 1;
        started();
        await held;
        return { status: 'not_modified' };
      },
      { connection, prefix: settings.queuePrefix },
    );
    try {
      await running;
      await enqueue(['/r'], 'duplicate');
      expect(await q.queue.getJobState(jobId)).toBe('active');
      expect(await q.queue.getWaitingCount()).toBe(0);
      release();
      await new Promise((resolve) => worker.once('completed', resolve));
      expect(runs).toBe(1);
      expect(await q.queue.getWaitingCount()).toBe(0);
    } finally {
      release();
      await worker.close();
      await connection.quit();
    }
  });

  it('callers racing to enqueue a finished URL again leave one waiting job', async () => {
    const [first] = await enqueue(['/race'], 'first');
    await finishAll('completed', 1);
    const outcomes = await Promise.all(['one', 'two', 'three', 'four'].map((origin) => enqueue(['/race', '/race'], origin)));
    for (const o of outcomes.flat()) expect(jobIdOf(o)).toBe(jobIdOf(first));
    expect(await q.queue.getJobState(jobIdOf(first))).toBe('waiting');
    expect(await q.queue.getWaitingCount()).toBe(1);
  });
});

describe('urlCheckerForQueue', () => {
  // In this order through one checker, so later URLs meet origins whose verdict it remembers.
  const table: Array<[url: string, expected: string]> = [
    ['http://127.0.0.2:8080/a?utm_source=x&id=1#top', 'http://127.0.0.2:8080/a?id=1'],
    ['http://127.0.0.2:8080/b', 'http://127.0.0.2:8080/b'],
    ['http://127.0.0.1:8080/a', 'blocked_address'],
    ['http://127.0.0.1:8080/b', 'blocked_address'],
    ['http://127.0.0.2:9090/c', 'http://127.0.0.2:9090/c'],
    ['https://News.Example.com/x', 'https://news.example.com/x'],
    ['https://user:pw@news.example.com/y', 'https://news.example.com/y'],
    ['http://[::1]/z', 'blocked_address'],
    ['http://10.1.2.3/private', 'blocked_address'],
    ['http://0x7f.1/hex-loopback', 'blocked_address'],
    ['ftp://news.example.com/file', 'bad_scheme'],
    ['/relative/path', 'bad_url'],
    ['  http://127.0.0.2:8080/spaced  ', 'http://127.0.0.2:8080/spaced'],
  ];
  const verdict = (c: ReturnType<typeof checkUrlForQueue>) => (c.accepted ? c.normalizedUrl : c.reason);

  it('gives what checkUrlForQueue gives, URL by URL, while remembering origins', () => {
    const check = urlCheckerForQueue(allow);
    for (const [input, expected] of table) {
      expect(verdict(check(input)), input).toBe(expected);
      expect(check(input), input).toEqual(checkUrlForQueue(input, allow));
    }
  });
});
