/**
 * The discover job: one poll of one source. The poll itself never throws (its report carries the
 * reason); the job fails when the poll failed, as UnrecoverableError when only a fix at the source
 * can help, so the dashboard shows the failure and BullMQ retries only what may pass.
 */
import { UnrecoverableError, type Processor } from 'bullmq';
import { pollSource, type PollDeps } from '../src/sources/index.js';
import type { DiscoverJobData, DiscoverJobResult } from './discover-job.js';

const URLS_IN_RESULT = 50;

export function createDiscoverProcessor(deps: PollDeps, onReport?: (r: DiscoverJobResult) => void): Processor<DiscoverJobData, DiscoverJobResult> {
  return async (job, _token, signal) => {
    const report = await pollSource(job.data.source, deps, { force: job.data.trigger === 'manual', signal });
    onReport?.(report);
    if (report.status === 'failed') {
      const message = `${report.reason}: ${report.message}`;
      throw report.retryable ? new Error(message) : new UnrecoverableError(message);
    }
    return { ...report, urls: report.urls.slice(0, URLS_IN_RESULT) };
  };
}
