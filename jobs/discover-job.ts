/**
 * The discover queue: one job per poll of one source. Scheduled polls come from one BullMQ Job
 * Scheduler per source (see schedule.ts); `newsworker sources run <id>` adds a manual one.
 */
import type { DefaultJobOptions } from 'bullmq';
import type { PollReport, SourceConfig } from '../src/sources/index.js';
import { REMOVE_ON_COMPLETE, REMOVE_ON_FAIL } from './queues.js';

export const DISCOVER_QUEUE = 'discover';

export interface DiscoverJobData {
  /** The source as the sources file had it when the scheduler was synced. */
  source: SourceConfig;
  /** A manual poll ignores ttl, skipHours and backoff: someone asked for it now. */
  trigger: 'schedule' | 'manual';
}

/** The poll report, with at most the first 50 queued URLs (the job result is kept in Redis). */
export type DiscoverJobResult = PollReport;

/** Schedulers of sources are named after them; other schedulers on the queue are left alone. */
export const SCHEDULER_PREFIX = 'source:';

export function schedulerId(sourceId: string): string {
  return `${SCHEDULER_PREFIX}${sourceId}`;
}

/**
 * A failed poll is tried once more a minute later when the failure may pass (network, 5xx); the
 * next scheduled tick comes anyway.
 */
export const DISCOVER_JOB_OPTIONS = {
  attempts: 2,
  backoff: { type: 'fixed', delay: 60_000 },
  removeOnComplete: REMOVE_ON_COMPLETE,
  removeOnFail: REMOVE_ON_FAIL,
} as const satisfies DefaultJobOptions;
