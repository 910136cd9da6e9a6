/** What only the SQLite backend promises: file location, WAL, lock waits, a full disk, several processes. */
import { MIGRATIONS } from '../../src/store/migrations.js';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError, openStore, type Store } from '../../src/store/index.js';
import { makeArticle, randomSimhash, seededRandom } from './helpers.js';

const run = promisify(execFile);

let dir: string;
const opened: Store[] = [];
async function open(url: string | undefined, options = {}): Promise<Store> {
  const store = await openStore(url, options);
  opened.push(store);
  return store;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'newsworker-sqlite-'));
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('where the database lives', () => {
  it.each([
    [undefined, 'data/newsworker.db'],
    ['', 'data/newsworker.db'],
    ['sqlite:nested/dir/rel.db', 'nested/dir/rel.db'],
    ['plain/path.db', 'plain/path.db'],
  ])('DATABASE_URL %j creates %s under the working directory', async (url, relative) => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const store = await open(url);
      await store.saveArticle(makeArticle({ id: 'x' }));
      expect(store.backend).toBe('sqlite');
    } finally {
      process.chdir(cwd);
    }
    expect(existsSync(join(dir, relative))).toBe(true);
  });

  it('opens an absolute sqlite:/// URL and an in-memory database', async () => {
    const absolute = join(dir, 'abs.db');
    await (await open(`sqlite://${absolute}`)).saveArticle(makeArticle({ id: 'a' }));
    expect(existsSync(absolute)).toBe(true);
    const memory = await open('sqlite::memory:');
    await memory.saveArticle(makeArticle({ id: 'm' }));
    expect(await memory.countArticles()).toBe(1);
  });
});

describe('SQLite settings', () => {
  it('puts the file in WAL mode with the schema recorded in schema_migrations', async () => {
    const path = join(dir, 'wal.db');
    await open(path);
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.prepare('SELECT id FROM schema_migrations ORDER BY id').pluck().all()).toEqual(MIGRATIONS.map((m) => m.id));
    } finally {
      db.close();
    }
  });

  it('waits busy_timeout for a held write lock, then fails retryably as busy', async () => {
    const path = join(dir, 'busy.db');
    const store = await open(path, { busyTimeoutMs: 200 });
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const started = Date.now();
    const error = await store.saveArticle(makeArticle({ id: 'b' })).catch((err: unknown) => err);
    const waited = Date.now() - started;
    other.exec('COMMIT');
    other.close();
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ reason: 'busy', retryable: true });
    expect(waited).toBeGreaterThanOrEqual(150);
    expect((await store.saveArticle(makeArticle({ id: 'b' }))).outcome).toBe('inserted');
  });

  it('serves the near-duplicate lookup from the (band, value) index, not a scan', async () => {
    const path = join(dir, 'plan.db');
    await open(path);
    const db = new Database(path, { readonly: true });
    try {
      const plan = db
        .prepare('EXPLAIN QUERY PLAN SELECT article_id FROM simhash_bands WHERE band = ? AND value = ?')
        .all(0, 1) as Array<{ detail: string }>;
      const details = plan.map((step) => step.detail).join('\n');
      expect(details).toMatch(/SEARCH simhash_bands USING (COVERING )?INDEX/);
      expect(details).not.toMatch(/SCAN simhash_bands/);
    } finally {
      db.close();
    }
  });
});

describe('a full disk', () => {
  it('fails with a retryable disk_full, keeps what was committed, and the file stays intact', async () => {
    const path = join(dir, 'full.db');
    const store = await open(path, { maxPageCount: 120 });
    const random = seededRandom(3);
    const big = (i: number) => makeArticle({ id: `big${i}`, simhash: randomSimhash(random), text: `word${i} `.repeat(4000) });
    let saved = 0;
    let error: unknown;
    for (let i = 0; i < 100 && error === undefined; i += 1) {
      try {
        await store.saveArticle(big(i));
        saved += 1;
      } catch (err) {
        error = err;
      }
    }
    expect(saved).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ reason: 'disk_full', retryable: true });
    expect(await store.countArticles()).toBe(saved);
    expect(await store.getArticle(`big${saved}`)).toBeNull();
    expect((await store.getArticle('big0'))?.text).toBe(big(0).text);
    await store.close();

    const db = new Database(path);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      // The FTS index still matches its content table: the failed insert left nothing half-written.
      expect(() => db.exec("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")).not.toThrow();
    } finally {
      db.close();
    }
    // Retrying once there is room succeeds: the error was worth retrying.
    const roomy = await open(path);
    expect((await roomy.saveArticle(big(saved))).outcome).toBe('inserted');
  });
});

describe('several processes', () => {
  const script = join(import.meta.dirname, 'fixtures', 'save-same-article.ts');
  async function saveFromProcesses(path: string, processes: number, saves: number, variants: number): Promise<string[]> {
    // Start together once every child has loaded, so their writes overlap.
    const startAt = String(Date.now() + 2500);
    const outputs = await Promise.all(
      Array.from({ length: processes }, () => run(process.execPath, ['--import', 'tsx', script, path, startAt, String(saves), String(variants)])),
    );
    return outputs.flatMap(({ stdout }) => JSON.parse(stdout) as string[]);
  }

  it('4 processes saving one article 5 times each store it once, one version', async () => {
    const path = join(dir, 'multi.db');
    await open(path);
    const outcomes = await saveFromProcesses(path, 4, 5, 1);
    expect(outcomes.filter((o) => o === 'inserted')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'unchanged')).toHaveLength(19);
    const store = await open(path);
    expect(await store.countArticles()).toBe(1);
    expect(await store.listVersions('cross-process')).toHaveLength(1);
  });

  it('4 processes editing one article keep exactly one version per reported update', async () => {
    const path = join(dir, 'edits.db');
    await open(path);
    const outcomes = await saveFromProcesses(path, 4, 300, 3);
    const updates = outcomes.filter((o) => o === 'updated').length;
    expect(outcomes.filter((o) => o === 'inserted')).toHaveLength(1);
    expect(updates).toBeGreaterThan(0);
    const store = await open(path);
    const versions = await store.listVersions('cross-process');
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: updates + 1 }, (_, i) => i + 1));
  });
});
