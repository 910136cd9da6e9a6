/** The Prometheus metrics: which fetch each outcome counts, and what a scrape reports. */
import { describe, expect, it } from 'vitest';
import { createMetrics, fetchLabels } from '../../src/observability/metrics.js';
import type { IngestOutcome } from '../../jobs/ingest-processor.js';

const outcome = (o: Partial<IngestOutcome>): IngestOutcome => ({ status: 'ok', reason: null, site: '127.0.0.2', ...o });

describe('fetchLabels', () => {
  it.each([
    [{ status: 'ok', reason: 'inserted', fetchMs: 10 }, { status_class: '2xx', reason: 'ok' }],
    [{ status: 'not_modified', fetchMs: 5 }, { status_class: '3xx', reason: 'not_modified' }],
    [{ status: 'failed', reason: 'http_4xx' }, { status_class: '4xx', reason: 'http_4xx' }],
    [{ status: 'retrying', reason: 'http_429' }, { status_class: '4xx', reason: 'http_429' }],
    [{ status: 'retrying', reason: 'http_5xx' }, { status_class: '5xx', reason: 'http_5xx' }],
    [{ status: 'retrying', reason: 'timeout_headers' }, { status_class: 'none', reason: 'timeout_headers' }],
    [{ status: 'failed', reason: 'blocked_address' }, { status_class: 'none', reason: 'blocked_address' }],
    [{ status: 'failed', reason: 'no_article', fetchMs: 12 }, { status_class: '2xx', reason: 'ok' }],
    [{ status: 'retrying', reason: 'busy' }, null],
    [{ status: 'delayed' }, null],
  ] as const)('%j counts as fetch %j', (o, labels) => {
    expect(fetchLabels(outcome(o as Partial<IngestOutcome>))).toEqual(labels);
  });
});

describe('createMetrics', () => {
  it('counts fetches, durations, jobs by result and reason, saved articles and duplicates', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.recordOutcome(outcome({ status: 'ok', reason: 'inserted', fetchMs: 120, extractMs: 30 }));
    m.recordOutcome(outcome({ status: 'ok', reason: 'unchanged', fetchMs: 80, extractMs: 20 }));
    m.recordOutcome(outcome({ status: 'retrying', reason: 'http_5xx', fetchMs: 40 }));
    m.recordOutcome(outcome({ status: 'failed', reason: 'http_4xx', fetchMs: 40 }));
    m.recordOutcome(outcome({ status: 'delayed', reason: null }));
    m.recordResult({ status: 'inserted', articleId: 'a', version: 1, duplicateOf: 'b' });
    m.recordResult({ status: 'inserted', articleId: 'c', version: 1, duplicateOf: null });
    m.recordResult({ status: 'updated', articleId: 'a', version: 2, duplicateOf: 'b' });
    m.watchQueues([{ name: 'ingest', getJobCounts: async () => ({ waiting: 4, active: 1, delayed: 2, failed: 3 }) }]);
    m.watchStore(async () => 42);
    const text = await m.registry.metrics();
    for (const line of [
      'newsworker_fetches_total{status_class="2xx",reason="ok"} 2',
      'newsworker_fetches_total{status_class="5xx",reason="http_5xx"} 1',
      'newsworker_fetches_total{status_class="4xx",reason="http_4xx"} 1',
      'newsworker_fetch_duration_seconds_count 4',
      'newsworker_fetch_duration_seconds_sum 0.28',
      'newsworker_extraction_duration_seconds_count 2',
      'newsworker_jobs_completed_total{result="inserted"} 1',
      'newsworker_jobs_completed_total{result="unchanged"} 1',
      'newsworker_jobs_failed_total{reason="http_5xx",final="false"} 1',
      'newsworker_jobs_failed_total{reason="http_4xx",final="true"} 1',
      'newsworker_articles_saved_total{outcome="inserted"} 1',
      'newsworker_duplicates_found_total 1',
      'newsworker_queue_jobs{queue="ingest",state="waiting"} 4',
      'newsworker_queue_jobs{queue="ingest",state="failed"} 3',
      'newsworker_articles_stored 42',
    ]) {
      expect(text.split('\n')).toContain(line);
    }
    expect(text).not.toContain('articles_saved_total{outcome="unchanged"}');
  });

  it('a scrape answers within its timeout when a queue hangs, leaving that queue out', async () => {
    const m = createMetrics({ defaultMetrics: false, scrapeTimeoutMs: 200 });
    m.watchQueues([
      { name: 'stuck', getJobCounts: () => new Promise(() => undefined) },
      { name: 'ingest', getJobCounts: async () => ({ waiting: 1, active: 0, delayed: 0, failed: 0 }) },
    ]);
    const started = Date.now();
    const text = await m.registry.metrics();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(text).toContain('newsworker_queue_jobs{queue="ingest",state="waiting"} 1');
    expect(text).not.toContain('queue="stuck"');
  });
});
