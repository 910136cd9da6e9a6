/**
 * The API's view of scheduled ingestion: the sources file with each source's state, and a manual
 * poll queued on the discover queue (the discover worker runs it, as `newsworker sources run` would
 * run it in place). The file is read on every call, so an edited file shows without a restart.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { describeSchedule, loadSources, sourcesFilePath, SourceStateStore } from '../sources/index.js';
import { DISCOVER_JOB_OPTIONS, schedulerId, type DiscoverJobData, type DiscoverJobResult } from '../../jobs/discover-job.js';
import type { SourcesService, SourceSummary } from './deps.js';

export interface SourcesServiceOptions {
  /** NEWSWORKER_SOURCES; the default file when unset (see sourcesFilePath). */
  sourcesFile: string | undefined;
  redis: Redis;
  queuePrefix: string;
  discoverQueue: Queue<DiscoverJobData, DiscoverJobResult>;
}

export function createSourcesService(opts: SourcesServiceOptions): SourcesService {
  const state = new SourceStateStore(opts.redis, { prefix: opts.queuePrefix });
  const read = () => loadSources(sourcesFilePath(opts.sourcesFile)).sources;
  return {
    async list(): Promise<SourceSummary[]> {
      return Promise.all(
        read().map(async (s) => {
          const [st, scheduler] = await Promise.all([state.get(s.id), opts.discoverQueue.getJobScheduler(schedulerId(s.id))]);
          return {
            id: s.id,
            url: s.url,
            kind: s.kind ?? null,
            enabled: s.enabled,
            schedule: describeSchedule(s.schedule),
            lastPollAt: st.lastPollAt,
            lastOutcome: st.lastOutcome,
            itemsFound: st.itemsFound,
            nextRunAt: scheduler?.next ? new Date(scheduler.next).toISOString() : null,
          };
        }),
      );
    },
    async run(id) {
      const source = read().find((s) => s.id === id);
      if (source === undefined) return null;
      const job = await opts.discoverQueue.add('discover', { source, trigger: 'manual' }, DISCOVER_JOB_OPTIONS);
      return { id, jobId: job.id ?? '' };
    },
  };
}
