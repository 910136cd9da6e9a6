/**
 * The outbox reconciler: every URL accepted for ingestion is in the database before it is queued
 * (Store.acceptUrls), so when Redis loses jobs (restarted without persistence, flushed, failed
 * over) nothing accepted is lost. Periodically it closes outbox entries that reached an outcome,
 * then queues again those still open after a grace period whose job Redis no longer knows.
 *
 * A wiped Redis is recognised by a marker key gone missing; then open entries are re-queued at once,
 * without the grace, and `onRedisReset` re-creates what lived only in Redis (the schedulers).
 * Queueing twice is harmless: job ids come from the URL, so an add of a job that exists is a no-op,
 * and the store's upsert makes a second run of a finished page `unchanged`.
 */
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Store } from '../src/store/index.js';
import type { IngestJobData, IngestJobResult } from './ingest-job.js';

export interface ReconcilerOptions {
  /** How long an accepted URL may go without an outcome before its job is checked. @defaultValue 120000 */
  graceMs?: number;
  /** Pause between two runs. @defaultValue 30000 */
  intervalMs?: number;
  /** Open entries read from the store at a time. @defaultValue 1000 */
  batch?: number;
  /** Called when Redis was found wiped (after the first run): re-create schedulers and the like. */
  onRedisReset?: () => Promise<unknown>;
  logger?: Logger;
}

export interface ReconcileResult {
  /** Outbox entries closed because their URL reached an outcome. */
  settled: number;
  /** Open entries whose job was gone from Redis, queued again. */
  requeued: number;
  /** Open entries whose job is still waiting, delayed or running. */
  inQueue: number;
  /** The marker key was missing: Redis lost its data since the last completed run (or this is the first). */
  redisReset: boolean;
}

const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

export class Reconciler {
  private readonly graceMs: number;
  private readonly batch: number;
  private readonly marker: string;
  private readonly token = randomUUID();
  private runs = 0;
  private resetPending = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly queue: Queue<IngestJobData, IngestJobResult>,
    /** The queue's Redis, for the marker key. */
    private readonly redis: Redis,
    private readonly opts: ReconcilerOptions = {},
  ) {
    this.graceMs = opts.graceMs ?? 120_000;
    this.batch = opts.batch ?? 1000;
    this.marker = `${queue.opts.prefix ?? 'bull'}:${queue.name}:outbox-marker`;
  }

  /** One pass: settle, detect a wiped Redis, re-queue what Redis lost. */
  async runOnce(): Promise<ReconcileResult> {
    // NX: set only when missing. Missing after our first run means Redis lost its data. The news
    // is kept until a pass completes: a pass failing after the SET must not lose it.
    const redisReset = (await this.redis.set(this.marker, this.token, 'NX')) === 'OK';
    const firstRun = this.runs === 0;
    this.runs += 1;
    if (redisReset && !firstRun) {
      this.resetPending = true;
      this.opts.logger?.warn('Redis lost its data: re-queueing every open outbox entry now');
      await this.opts.onRedisReset?.().catch((err: unknown) => this.opts.logger?.error({ err }, 'could not re-create what lived in Redis'));
    }
    const settled = await this.store.settleOutbox();
    const before = new Date(Date.now() - (this.resetPending ? 0 : this.graceMs)).toISOString();
    let requeued = 0;
    let inQueue = 0;
    // Page through every open entry: after a wipe, thousands may need queueing in one pass.
    for (let page = await this.store.openOutbox(before, this.batch); page.length > 0;) {
      const states = await Promise.all(page.map((e) => this.queue.getJobState(e.jobId)));
      // Finished jobs (completed, failed) are left alone: their outcome is recorded and settles
      // the entry on the next pass. Only jobs Redis does not know at all are lost.
      const lost = page.filter((_, i) => states[i] === 'unknown');
      if (lost.length > 0) {
        const now = new Date().toISOString();
        await this.queue.addBulk(lost.map((e) => ({ name: 'ingest', data: { url: e.url, origin: e.origin, enqueuedAt: now }, opts: { jobId: e.jobId } })));
      }
      requeued += lost.length;
      inQueue += states.filter((s) => LIVE_STATES.has(s)).length;
      if (page.length < this.batch) break;
      page = await this.store.openOutbox(before, this.batch, page[page.length - 1]);
    }
    if (requeued > 0) this.opts.logger?.warn({ requeued }, 'queued again URLs whose job Redis no longer had');
    const sawReset = this.resetPending;
    this.resetPending = false;
    return { settled, requeued, inQueue, redisReset: sawReset || redisReset };
  }

  /** Runs now, then every `intervalMs`, until stop(). */
  start(): void {
    const tick = () => {
      this.running = this.runOnce()
        .catch((err: unknown) => this.opts.logger?.error({ err }, 'outbox reconciliation failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.opts.intervalMs ?? 30_000).unref();
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
