/**
 * The operator's commands around the worker, run as child processes against real Redis and each
 * store: `enqueue` (arguments, --file, stdin; job ids out, reasons for refusals, exit 1),
 * `articles list|show|export`, and `reprocess`, which re-extracts stored pages with the site down.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Article } from '../../src/article.js';
import type { Settings } from '../../src/config/settings.js';
import { openStore, type Store } from '../../src/store/index.js';
import { startIngestWorker } from '../../jobs/worker.js';
import { startLocalServer, type LocalServer } from '../helpers/local-server.js';
import { runCli } from '../helpers/run-cli.js';
import {
  articleHtml, BACKENDS, createTestDatabase, fixtureSource, openTestQueue, paragraphsAbout, PUBLIC_STAND_IN, settingsEnv,
  silentLogger, testSettings, type TestDatabase, type TestQueue,
} from '../helpers/worker-harness.js';

/** The article's fields in the order of spec/article.md (`removed` only with --explain). */
const SPEC_FIELDS = [
  'id', 'url', 'canonicalUrl', 'site', 'publisher', 'title', 'authors', 'dateline', 'agency', 'publishedAt', 'modifiedAt',
  'language', 'section', 'tags', 'text', 'html', 'images', 'wordCount', 'contentHash', 'simhash', 'duplicateOf',
  'fetchedAt', 'extractedAt', 'extractor',
];

// Every step spawns a CLI process: 1-3 s each on 2 cores, over 10 s when the machine is busy.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const lines = (text: string) => text.split('\n').filter((l) => l !== '');

describe('newsworker enqueue', () => {
  let settings: Settings;
  let q: TestQueue;
  let env: Record<string, string>;
  let dir: string;

  beforeAll(async () => {
    settings = testSettings();
    q = await openTestQueue(settings);
    env = settingsEnv(settings);
    dir = mkdtempSync(join(tmpdir(), 'newsworker-enqueue-'));
  });
  afterAll(async () => {
    await q.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Each stdout line is `<job id>\t<normalized URL>`, and that job is on the queue. */
  async function expectQueued(stdout: string, urls: readonly string[]): Promise<void> {
    const printed = lines(stdout).map((l) => l.split('\t'));
    expect(printed.map(([, url]) => url)).toEqual(urls);
    for (const [jobId, url] of printed) expect((await q.queue.getJob(jobId!))?.data.url).toBe(url);
  }

  it('prints a job id per accepted URL, a reason per refused one, and exits 1', async () => {
    const { code, stdout, stderr } = await runCli(
      ['enqueue', 'http://127.0.0.2:8080/a?utm_source=x', 'http://127.0.0.1:8080/', 'ftp://example.com/f', 'http://127.0.0.2:8080/b'],
      { env },
    );
    expect(code).toBe(1);
    await expectQueued(stdout, ['http://127.0.0.2:8080/a', 'http://127.0.0.2:8080/b']);
    const refused = lines(stderr).filter((l) => l.startsWith('rejected '));
    expect(refused.map((l) => /^rejected (\S+): (\w+):/.exec(l)?.slice(1))).toEqual([
      ['http://127.0.0.1:8080/', 'blocked_address'],
      ['ftp://example.com/f', 'bad_scheme'],
    ]);
  });

  it('reads --file (comments and blank lines skipped) and exits 0 when all are accepted', async () => {
    const file = join(dir, 'urls.txt');
    writeFileSync(file, '# morning list\nhttp://127.0.0.2:8080/c\n\n  http://127.0.0.2:8080/d  \n');
    const { code, stdout, stderr } = await runCli(['enqueue', '--file', file], { env });
    expect([code, stderr]).toEqual([0, '']);
    await expectQueued(stdout, ['http://127.0.0.2:8080/c', 'http://127.0.0.2:8080/d']);
  });

  it('reads standard input', async () => {
    const { code, stdout } = await runCli(['enqueue'], { env, stdin: 'http://127.0.0.2:8080/e\nhttp://127.0.0.2:8080/f\n' });
    expect(code).toBe(0);
    await expectQueued(stdout, ['http://127.0.0.2:8080/e', 'http://127.0.0.2:8080/f']);
  });

  it('with no URL at all it is a usage error (2)', async () => {
    const { code, stderr } = await runCli(['enqueue'], { env, stdin: '# nothing\n' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/no URLs given/);
  });
});

describe.each(BACKENDS)('newsworker articles and reprocess on %s', (backend) => {
  let db: TestDatabase;
  let server: LocalServer;
  let env: Record<string, string>;
  let store: Store;
  let stored: Article[];

  beforeAll(async () => {
    db = await createTestDatabase(backend);
    const settings = testSettings({ databaseUrl: db.url });
    env = settingsEnv(settings);
    server = await startLocalServer({ host: PUBLIC_STAND_IN });
    server.route('/kh', (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(fixtureSource('koreaherald-tillerson')));
    server.route('/local', (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(articleHtml({ url: server.url('/local'), title: 'School year starts early', paragraphs: paragraphsAbout('Jeonju') })),
    );
    const enqueued = await runCli(['enqueue', server.url('/kh'), server.url('/local')], { env });
    expect(enqueued.code).toBe(0);

    const q = await openTestQueue(settings);
    const running = await startIngestWorker(settings, silentLogger);
    try {
      for (const line of lines(enqueued.stdout)) expect((await q.waitForJob(line.split('\t')[0]!)).state).toBe('completed');
    } finally {
      await running.stop(2_000);
      await q.cleanup();
    }
    store = await openStore(db.url);
    stored = [];
    for await (const a of store.iterateArticles()) stored.push(a);
    expect(stored).toHaveLength(2);
  });

  afterAll(async () => {
    await store.close();
    await server.close();
    await db.cleanup();
  });

  it('list prints one row per article; --json one article a line', async () => {
    const table = await runCli(['articles', 'list'], { env });
    expect(table.code).toBe(0);
    const rows = lines(table.stdout).map((l) => l.split('\t'));
    expect(rows.map((r) => r[0]).sort()).toEqual(stored.map((a) => a.id).sort());
    expect(rows.find((r) => r[3] === 'Tillerson renews offer to talk with N. Korea')?.[2]).toBe(PUBLIC_STAND_IN);

    const json = await runCli(['articles', 'list', '--json', '--limit', '1'], { env });
    expect(lines(json.stdout)).toHaveLength(1);
    expect(json.stderr).toMatch(/^more: --cursor \S+/);
  });

  it('show prints one article by id or by URL, and exits 3 for an unknown id', async () => {
    const target = stored.find((a) => a.url === server.url('/local'))!;
    const byId = await runCli(['articles', 'show', target.id], { env });
    expect([byId.code, JSON.parse(byId.stdout)]).toEqual([0, target]);
    const byUrl = await runCli(['articles', 'show', server.url('/local'), '--format', 'text'], { env });
    expect(byUrl.stdout.startsWith('School year starts early\n\n')).toBe(true);
    expect((await runCli(['articles', 'show', 'no-such-id'], { env })).code).toBe(3);
  });

  it('export --format ndjson writes every article, one spec-format object a line', async () => {
    const { code, stdout } = await runCli(['articles', 'export', '--format', 'ndjson'], { env });
    expect(code).toBe(0);
    const exported = lines(stdout).map((l) => JSON.parse(l) as Article);
    expect(exported).toEqual(stored);
    for (const a of exported) expect(Object.keys(a)).toEqual(SPEC_FIELDS);
  });

  it('reprocess --site re-extracts from stored pages with the site down, changing nothing when the rules did not change', async () => {
    await server.close();
    const before = await Promise.all(stored.map((a) => store.listVersions(a.id)));

    const { code, stdout, stderr } = await runCli(['reprocess', '--site', PUBLIC_STAND_IN], { env });
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^reprocessed 2 pages: 0 updated, 2 unchanged, 0 new, 0 without article, 0 unreadable$/m);
    expect(await Promise.all(stored.map((a) => store.listVersions(a.id)))).toEqual(before);
    expect(await Promise.all(stored.map((a) => store.getArticle(a.id)))).toEqual(stored);

    const other = await runCli(['reprocess', '--site', 'example.org'], { env });
    expect(other.stdout, other.stderr).toMatch(/^reprocessed 0 pages/m);
  });
});
