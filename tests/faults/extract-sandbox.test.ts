/**
 * The extraction sandbox on its own: the same article as in process for ordinary pages; a page that
 * blows the heap or outlasts the deadline fails with its permanent reason while the pool keeps
 * serving; and what the isolation costs per page.
 */
import { readdirSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createExtractSandbox, extractInProcess, type ExtractSandbox } from '../../jobs/extract-sandbox.js';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { BIG_HEAP_BOMB, DEEP_DOM } from './hostile-pages.js';

const PAGES_DIR = join(PROJECT_ROOT, 'tests/fixtures/pages');
const pages = readdirSync(PAGES_DIR)
  .filter((d) => existsSync(join(PAGES_DIR, d, 'source.html')))
  .map((d) => ({ name: d, body: readFileSync(join(PAGES_DIR, d, 'source.html')) }));

let sandbox: ExtractSandbox;

beforeAll(() => {
  sandbox = createExtractSandbox({ threads: 2 });
});
afterAll(async () => {
  await sandbox.close();
});

describe('extraction sandbox', () => {
  it('gives the same article as in process for every fixture page', async () => {
    expect(pages.length).toBeGreaterThan(0);
    const opts = { url: 'https://news.example/story', fetchedAt: '2026-11-28T00:00:00.000Z' };
    for (const page of pages) {
      const inline = await extractInProcess(page.body, opts);
      const isolated = await sandbox.extract(page.body, opts);
      // extractedAt is the instant of extraction, the one field that may differ.
      expect({ ...isolated, extractedAt: null }, page.name).toEqual({ ...inline, extractedAt: null });
      expect(isolated?.title, page.name).toBeTruthy();
    }
  });

  it.each([
    { name: 'a page that blows the heap', html: BIG_HEAP_BOMB, limits: { maxOldGenerationSizeMb: 64, deadlineMs: 60_000 }, reason: 'extract_crashed', message: /memory limit/ },
    { name: 'a page that outlasts the deadline', html: DEEP_DOM, limits: { maxOldGenerationSizeMb: 512, deadlineMs: 2_500 }, reason: 'extract_timeout', message: /longer than 2500 ms/ },
  ])('$name fails with $reason (permanent), and the pool still serves', async ({ html, limits, reason, message }) => {
    const sandbox = createExtractSandbox({ threads: 2, ...limits });
    onTestFinished(() => sandbox.close());
    await sandbox.extract(pages[0]!.body, {}); // both threads booted, so the deadline is the page's
    const started = Date.now();
    const [hostile, ordinary] = await Promise.allSettled([
      sandbox.extract(Buffer.from(html), { url: 'https://news.example/hostile' }),
      sandbox.extract(pages[0]!.body, { url: 'https://news.example/ordinary' }),
    ]);
    expect(hostile.status).toBe('rejected');
    expect((hostile as PromiseRejectedResult).reason).toMatchObject({ reason, retryable: false, message: expect.stringMatching(message) });
    expect(ordinary).toMatchObject({ status: 'fulfilled', value: { title: expect.any(String) } });
    const after = await sandbox.extract(pages[0]!.body, { url: 'https://news.example/after' });
    expect(after?.title).toBeTruthy();
    console.info(`[fault 2] ${reason} after ${Date.now() - started} ms; the replaced thread served the next page`);
  }, 60_000);

  it('costs a bounded overhead per page (printed)', async () => {
    const opts = { url: 'https://news.example/story' };
    const rounds = 5;
    for (const page of pages) await extractInProcess(page.body, opts); // warm both
    for (const page of pages) await sandbox.extract(page.body, opts);
    let t = performance.now();
    for (let r = 0; r < rounds; r += 1) for (const page of pages) await extractInProcess(page.body, opts);
    const inlineMs = (performance.now() - t) / (rounds * pages.length);
    t = performance.now();
    for (let r = 0; r < rounds; r += 1) for (const page of pages) await sandbox.extract(page.body, opts);
    const sandboxMs = (performance.now() - t) / (rounds * pages.length);
    console.info(`[fault 2] extraction per page: in process ${inlineMs.toFixed(1)} ms, sandbox ${sandboxMs.toFixed(1)} ms (+${(sandboxMs - inlineMs).toFixed(1)} ms)`);
    // Loose: the machine is shared. The copy and the message hop are a few ms, never a multiple.
    expect(sandboxMs).toBeLessThan(inlineMs * 3 + 20);
  }, 60_000);
});
