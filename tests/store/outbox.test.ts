/**
 * The outbox part of the Store contract, on SQLite and PostgreSQL: accepted URLs are kept until a
 * final attempt at or after their acceptance settles them; accepting again opens them again.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttemptInput, Store } from '../../src/store/index.js';
import { postgresHarness, sqliteHarness, type StoreHarness } from './helpers.js';

const T = (s: number) => new Date(Date.UTC(2026, 10, 28, 12, 0, s)).toISOString();

const attempt = (url: string, status: AttemptInput['status'], at: string): AttemptInput => ({
  url, status, at, attempt: 1, timings: {}, reason: status === 'ok' ? 'inserted' : 'http_5xx',
});

describe.each([
  ['SQLite', sqliteHarness],
  ['PostgreSQL', postgresHarness],
] as Array<[string, () => Promise<StoreHarness>]>)('%s store: outbox', (_name, makeHarness) => {
  let harness: StoreHarness;
  let store: Store;
  beforeEach(async () => {
    harness = await makeHarness();
    store = await harness.open();
  });
  afterEach(async () => {
    await harness.cleanup();
  });

  it('keeps each accepted URL once (the last acceptance wins) and lists open ones oldest first', async () => {
    await store.acceptUrls([
      { url: 'https://n.example/b', jobId: 'u-b', origin: 'api', acceptedAt: T(2) },
      { url: 'https://n.example/a', jobId: 'u-a', origin: 'api', acceptedAt: T(1) },
      { url: 'https://n.example/b', jobId: 'u-b', origin: 'cli', acceptedAt: T(3) },
    ]);
    expect((await store.openOutbox(T(10), 10)).map((e) => [e.url, e.origin, e.acceptedAt])).toEqual([
      ['https://n.example/a', 'api', T(1)],
      ['https://n.example/b', 'cli', T(3)],
    ]);
    expect((await store.openOutbox(T(2), 10)).map((e) => e.url)).toEqual(['https://n.example/a']);
    expect(await store.openOutbox(T(10), 1)).toHaveLength(1);
  });

  it.each([
    { name: 'an ok attempt after acceptance', attempts: [['ok', 5]], settled: true },
    { name: 'a failed attempt after acceptance', attempts: [['failed', 5]], settled: true },
    { name: 'a not_modified attempt at the acceptance instant', attempts: [['not_modified', 1]], settled: true },
    { name: 'only retrying and delayed attempts', attempts: [['retrying', 5], ['delayed', 6]], settled: false },
    { name: 'an ok attempt before acceptance', attempts: [['ok', 0]], settled: false },
    { name: 'no attempt at all', attempts: [], settled: false },
  ] as Array<{ name: string; attempts: Array<[AttemptInput['status'], number]>; settled: boolean }>)(
    'settles on $name: $settled', async ({ attempts, settled }) => {
      const url = 'https://n.example/story';
      await store.acceptUrls([{ url, jobId: 'u-1', origin: 'api', acceptedAt: T(1) }]);
      for (const [status, s] of attempts) await store.recordAttempt(attempt(url, status, T(s)));
      expect(await store.settleOutbox()).toBe(settled ? 1 : 0);
      const entry = await store.getOutboxEntry(url);
      const finalAt = attempts.filter(([st]) => st !== 'retrying' && st !== 'delayed').map(([, s]) => T(s)).sort().at(-1);
      expect(entry?.doneAt).toBe(settled ? finalAt : null);
      expect(await store.openOutbox(T(59), 10)).toHaveLength(settled ? 0 : 1);
      expect(await store.settleOutbox()).toBe(0);
    },
  );

  it('accepting a settled URL again opens it again until a newer final attempt', async () => {
    const url = 'https://n.example/edited';
    await store.acceptUrls([{ url, jobId: 'u-e', origin: 'api', acceptedAt: T(1) }]);
    await store.recordAttempt(attempt(url, 'ok', T(2)));
    expect(await store.settleOutbox()).toBe(1);
    await store.acceptUrls([{ url, jobId: 'u-e', origin: 'api', acceptedAt: T(3) }]);
    expect(await store.getOutboxEntry(url)).toMatchObject({ doneAt: null, acceptedAt: T(3) });
    expect(await store.settleOutbox()).toBe(0);
    await store.recordAttempt(attempt(url, 'ok', T(4)));
    expect(await store.settleOutbox()).toBe(1);
    expect(await store.getOutboxEntry(url)).toMatchObject({ doneAt: T(4) });
  });

  it('accepts a batch larger than one statement', async () => {
    const entries = Array.from({ length: 1_203 }, (_, i) => ({ url: `https://n.example/${i}`, jobId: `u-${i}`, origin: 'api', acceptedAt: T(i % 50) }));
    await store.acceptUrls(entries);
    expect(await store.openOutbox(T(59), 5_000)).toHaveLength(1_203);
    // Pages of 100 in (acceptedAt, url) order cover every entry once, ties on acceptedAt included.
    const seen: string[] = [];
    for (let page = await store.openOutbox(T(59), 100); page.length > 0; page = await store.openOutbox(T(59), 100, page.at(-1))) {
      seen.push(...page.map((e) => e.url));
    }
    const expected = [...entries].sort((x, y) => (x.acceptedAt + x.url < y.acceptedAt + y.url ? -1 : 1)).map((e) => e.url);
    expect(seen).toEqual(expected);
    expect(await store.getOutboxEntry('https://n.example/nope')).toBeNull();
  });
});
