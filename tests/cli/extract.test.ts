import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli } from '../helpers/run-cli.js';

const SEED = join(PROJECT_ROOT, '../shared/fixtures/syndication/000_0d277affc9d2ffab.txt');
const SEED_EXPECTED = JSON.parse(readFileSync(SEED.replace('.txt', '.expected.json'), 'utf8'));
const KH = join(PROJECT_ROOT, 'tests/fixtures/pages/koreaherald-tillerson/source.html');

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/story') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(readFileSync(KH));
    } else if (req.url === '/broken') {
      res.writeHead(500).end('oops');
    } else if (req.url === '/empty-page') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body><nav><a href="/">Home</a></nav></body></html>');
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('newsworker extract', () => {
  it('prints the seed as specified, as JSON', async () => {
    const { code, stdout, stderr } = await runCli(['extract', SEED]);
    expect(code, stderr).toBe(0);
    const article = JSON.parse(stdout);
    for (const field of ['title', 'dateline', 'agency', 'publisher', 'text']) expect(article[field]).toBe(SEED_EXPECTED[field]);
    expect(article.removed).toBeUndefined();
  });

  it('--explain adds the removed blocks', async () => {
    const { code, stdout, stderr } = await runCli(['extract', SEED, '--explain']);
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout).removed).toContainEqual({ rule: 'nav-phrase', text: 'Back To Top' });
  });

  it('reads standard input with --url and --format text', async () => {
    const { code, stdout, stderr } = await runCli(['extract', '-', '--url', 'http://www.koreaherald.com/view.php?ud=20170823000123', '--format', 'text'], {
      stdin: readFileSync(KH),
    });
    expect(code, stderr).toBe(0);
    expect(stdout.startsWith('Tillerson renews offer to talk with N. Korea\n\n')).toBe(true);
    expect(stdout).toContain('The peace gesture came just hours after');
  });

  it('--format markdown gives a heading and the body', async () => {
    const { code, stdout, stderr } = await runCli(['extract', KH, '--url', 'http://www.koreaherald.com/view.php?ud=1', '--format', 'markdown']);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^# Tillerson renews offer to talk with N\. Korea\n/);
    expect(stdout).toContain('![US Secretary of State Rex Tillerson.](http://www.koreaherald.com/');
  });

  it('fetches an http URL', async () => {
    const { code, stdout, stderr } = await runCli(['extract', `${base}/story`]);
    expect(code, stderr).toBe(0);
    const article = JSON.parse(stdout);
    expect(article.url).toBe(`${base}/story`);
    expect(article.title).toBe('Tillerson renews offer to talk with N. Korea');
  });

  it.each([
    [['extract', 'file:///etc/passwd'], 2, /only http\(s\)/],
    [['extract', 'gopher://example.test/'], 2, /only http\(s\)/],
    [['extract', '/nonexistent/page.html'], 2, /cannot read \/nonexistent\/page\.html/],
    [['extract'], 2, /missing required argument/],
    [['extract', SEED, '--format', 'pdf'], 2, /invalid/i],
    [['extract', SEED, '--rules', '/nonexistent/rules'], 2, /\/nonexistent\/rules/],
  ])('%j exits %i with a reason', async (args, exitCode, reason) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(exitCode);
    expect(stderr).toMatch(reason);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 3 when the page holds no article', async () => {
    const { code, stderr } = await runCli(['extract', `${base}/empty-page`]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/no article found/);
  });

  it('exits 4 when the fetch fails', async () => {
    const { code, stderr } = await runCli(['extract', `${base}/broken`]);
    expect(code).toBe(4);
    expect(stderr).toMatch(/fetch failed .*HTTP 500/);
  });

  it('exits 2 on empty input, naming the problem', async () => {
    const { code, stderr } = await runCli(['extract', '-'], { stdin: '' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/empty/i);
  });
});
