/**
 * `newsworker sources list | run <id> | discover <homepage-url>`: the sources of the sources file
 * with their schedule and last poll, a poll now, and the feeds a site offers.
 */
import { Queue } from 'bullmq';
import type { Command } from 'commander';
import { loadSettings, type Settings } from '../../config/settings.js';
import { createLogger } from '../../observability/logger.js';
import { describeSchedule, discoverSources, loadSources, pollSource, sourceEntryYaml, sourcesFilePath, SourceStateStore } from '../../sources/index.js';
import { openPollDeps } from '../../../jobs/discover-worker.js';
import { DISCOVER_QUEUE, schedulerId, type DiscoverJobData, type DiscoverJobResult } from '../../../jobs/discover-job.js';
import { redisConnection } from '../../../jobs/queues.js';
import { createSettingsFetcher } from '../../../jobs/fetching.js';
import { CliFailure, EXIT } from '../exit-codes.js';

function requireRedis(settings: Settings): Settings & { redisUrl: string } {
  if (!settings.redisUrl) throw new CliFailure(EXIT.badUsage, 'REDIS_URL is not set: point it at the Redis of the queues');
  return { ...settings, redisUrl: settings.redisUrl };
}

const when = (iso: string | number | null | undefined): string => (iso === null || iso === undefined ? '-' : new Date(iso).toISOString());

async function list(): Promise<void> {
  const settings = requireRedis(loadSettings());
  const { file, sources } = loadSources(sourcesFilePath(settings.sourcesFile));
  const redis = redisConnection(settings.redisUrl, { maxRetriesPerRequest: 3 });
  const queue = new Queue<DiscoverJobData, DiscoverJobResult>(DISCOVER_QUEUE, { connection: redis, prefix: settings.queuePrefix });
  const state = new SourceStateStore(redis, { prefix: settings.queuePrefix });
  try {
    process.stdout.write(`# ${file}\n`);
    process.stdout.write(['id', 'kind', 'schedule', 'last poll', 'last outcome', 'items found', 'next run'].join('\t') + '\n');
    for (const s of sources) {
      const st = await state.get(s.id);
      const scheduler = await queue.getJobScheduler(schedulerId(s.id));
      const next = !s.enabled ? 'disabled' : scheduler === undefined ? 'not scheduled (run `newsworker schedule sync`)' : when(scheduler.next);
      process.stdout.write([s.id, s.kind ?? 'auto', describeSchedule(s.schedule), when(st.lastPollAt), st.lastOutcome ?? '-', String(st.itemsFound), next].join('\t') + '\n');
    }
  } finally {
    await queue.close();
    await redis.quit();
  }
}

async function run(id: string): Promise<void> {
  const settings = requireRedis(loadSettings());
  const { file, sources } = loadSources(sourcesFilePath(settings.sourcesFile));
  const source = sources.find((s) => s.id === id);
  if (source === undefined) throw new CliFailure(EXIT.badUsage, `no source "${id}" in ${file}`);
  const opened = await openPollDeps(settings, createLogger(settings.logLevel).child({ component: 'discover' }));
  try {
    const report = await pollSource(source, opened.deps, { force: true });
    process.stdout.write(`${report.sourceId}: ${report.status}${report.reason ? ` (${report.reason})` : ''}: ${report.documents} document(s), ${report.found} listed, ${report.fresh} new, ${report.enqueued} queued\n`);
    for (const url of report.urls) process.stdout.write(`${url}\n`);
    if (report.status === 'failed') throw new CliFailure(EXIT.fetchFailed, `${report.reason}: ${report.message}`);
  } finally {
    await opened.close();
  }
}

async function discover(homepage: string): Promise<void> {
  const settings = loadSettings();
  const fetcher = createSettingsFetcher(settings);
  try {
    const found = await discoverSources(homepage, { fetcher });
    if (found.length === 0) throw new CliFailure(EXIT.noArticle, `no feed or sitemap found for ${homepage}`);
    for (const f of found) process.stdout.write(`# ${f.kind} via ${f.via}: ${f.url}${f.title ? ` "${f.title}"` : ''} (${f.items} items now)\n`);
    process.stdout.write(`\n${sourceEntryYaml(found[0]!)}`);
  } finally {
    await fetcher.close();
  }
}

export function registerSources(program: Command): void {
  const sources = program.command('sources').description('the feeds and sitemaps polled on a schedule');
  sources.command('list').description('each source with its schedule, last poll, last outcome, items found and next run').action(list);
  sources.command('run').description('poll one source now (ignores ttl, skip hours and backoff)').argument('<id>', 'source id').action(run);
  sources.command('discover').description('list the feeds and sitemaps a site offers, with a ready sources entry').argument('<homepage-url>').action(discover);
}
