/**
 * The dashboards in a real browser: Debian's chromium, driven by playwright-core, against a
 * running server holding a few ingested articles. Screenshots go to test-artifacts/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractArticle } from '../../src/pipeline/index.js';
import { startApiServer, type RunningApiServer } from '../../src/http/server.js';
import { openStore, type Store } from '../../src/store/index.js';
import { startIngestWorker, type RunningWorker } from '../../jobs/worker.js';
import { startLocalServer, type LocalServer } from '../helpers/local-server.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import {
  articleHtml, createTestDatabase, eventually, fixtureSource, openTestQueue, paragraphsAbout, PUBLIC_STAND_IN, silentLogger,
  testSettings, type TestDatabase, type TestQueue,
} from '../helpers/worker-harness.js';
import { ADMIN, TOKEN } from './harness.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts');

describe.skipIf(!existsSync(CHROMIUM))('dashboards in chromium', () => {
  const settings = testSettings({ host: '127.0.0.1', port: 0, apiToken: TOKEN, adminUser: ADMIN.user, adminPassword: ADMIN.password });
  let db: TestDatabase;
  let store: Store;
  let site: LocalServer;
  let queue: TestQueue;
  let worker: RunningWorker;
  let server: RunningApiServer;
  let browser: Browser;
  let inspectedId: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    site = await startLocalServer({ host: PUBLIC_STAND_IN });
    site.route('/news/tillerson', (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(fixtureSource('daum-koreaherald-tillerson')));
    for (const topic of ['harbour', 'railway']) {
      const url = site.url(`/news/${topic}`);
      site.route(`/news/${topic}`, (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(articleHtml({ url, title: `The ${topic} story`, paragraphs: paragraphsAbout(topic) })));
    }
    db = await createTestDatabase('sqlite');
    store = await openStore(db.url);
    queue = await openTestQueue(settings);
    server = await startApiServer(settings, silentLogger, { store });
    worker = await startIngestWorker(settings, silentLogger, { store, onOutcome: (o) => server.metrics.recordOutcome(o) });
    const outcomes = await queue.enqueue(['tillerson', 'harbour', 'railway'].map((p) => site.url(`/news/${p}`)));
    const finished = await Promise.all(outcomes.map((o) => (o.accepted ? queue.waitForJob(o.jobId) : Promise.reject(new Error(o.message)))));
    expect(finished.map((f) => f.state)).toEqual(['completed', 'completed', 'completed']);
    inspectedId = (finished[0]!.returnvalue as { articleId: string }).articleId;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await server?.stop();
    await queue?.cleanup();
    await store?.close();
    await db?.cleanup();
    await site?.close();
  });

  it('without credentials the browser gets 401 and a basic-auth challenge', async () => {
    const context = await browser.newContext();
    const res = await context.request.get(`${server.url}/admin/articles`);
    expect(res.status()).toBe(401);
    expect(res.headers()['www-authenticate']).toMatch(/^Basic/);
    await context.close();
  });

  it('bull-board at /admin/queues shows the ingest queue and its completed jobs', async () => {
    const context = await browser.newContext({ httpCredentials: { username: ADMIN.user, password: ADMIN.password }, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/admin/queues`);
    await page.getByText('ingest', { exact: true }).first().waitFor({ timeout: 15_000 });
    await page.goto(`${server.url}/admin/queues/queue/ingest?status=completed`);
    await page.getByText(site.url('/news/harbour'), { exact: false }).first().waitFor({ timeout: 15_000 }).catch(() => undefined);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-queues.png'), fullPage: true });
    expect(await page.title()).toBe('newsworker');
    expect(await page.locator('body').innerText()).toMatch(/completed/i);
    await context.close();
  });

  it('the inspector lists the articles, searches, and shows an article with its removals highlighted', async () => {
    const context = await browser.newContext({ httpCredentials: { username: ADMIN.user, password: ADMIN.password }, viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/admin/articles`);
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(3);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-articles.png'), fullPage: true });

    await page.fill('input[name=q]', 'Tillerson');
    await page.click('button[type=submit]');
    await eventually(async () => ((await rows.count()) === 1 ? true : undefined), 5_000, 'the search result');
    expect(await rows.first().innerText()).toContain('Tillerson renews offer');

    await page.goto(`${server.url}/admin/articles/${inspectedId}`);
    // Every removal the current rules make, highlighted in place (the rules evolve; ask them).
    const want = extractArticle(fixtureSource('daum-koreaherald-tillerson'), { url: site.url('/news/tillerson'), contentType: 'text/html; charset=utf-8', explain: true })!;
    const marks = page.locator('.page mark.removed');
    const rules = await marks.evaluateAll((els) => els.map((e) => e.getAttribute('data-rule')));
    expect(rules.sort()).toEqual(want.removed!.map((r) => r.rule).sort());
    expect(rules).toContain('site-footer');
    // Highlighted: the mark has a background of its own, not the page's.
    const background = await marks.first().evaluate((e) => (globalThis as unknown as { getComputedStyle(el: unknown): { backgroundColor: string } }).getComputedStyle(e).backgroundColor);
    expect(background).not.toBe('rgba(0, 0, 0, 0)');
    expect(await page.locator('section[aria-label="Clean text"]').innerText()).toContain('Tillerson');
    await marks.first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'admin-article-inspector.png'), fullPage: true });
    await context.close();
  });
});
