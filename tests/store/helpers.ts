/**
 * Test support for the store suites: article builders, simhash bit flips, and harnesses giving each
 * test a database of its own (a temp SQLite file, or a fresh PostgreSQL schema dropped afterwards).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
export { seededRandom } from '../helpers/seeded-random.js';
import type { Article } from '../../src/article.js';
import { openStore, type Store, type StoreOptions } from '../../src/store/index.js';

export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://newsworker:newsworker@127.0.0.1:5432/newsworker_test';

/** Opens stores on one test database (several, for concurrency tests) and removes it afterwards. */
export interface StoreHarness {
  open(options?: StoreOptions): Promise<Store>;
  /** Closes every store opened through `open` and drops the database. */
  cleanup(): Promise<void>;
}

export async function sqliteHarness(): Promise<StoreHarness & { path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'newsworker-store-'));
  const path = join(dir, 'test.db');
  const stores: Store[] = [];
  return {
    path,
    async open(options) {
      const store = await openStore(path, options);
      stores.push(store);
      return store;
    },
    async cleanup() {
      await Promise.all(stores.map((store) => store.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The test database URL with `search_path` set to `schema`, so every table lands in that schema. */
export function urlWithSchema(baseUrl: string, schema: string): string {
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

export async function postgresHarness(): Promise<StoreHarness> {
  const schema = `store_test_${randomUUID().replace(/-/g, '')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = urlWithSchema(TEST_DATABASE_URL, schema);
  const stores: Store[] = [];
  return {
    async open(options) {
      const store = await openStore(url, { poolSize: 5, ...options });
      stores.push(store);
      return store;
    },
    async cleanup() {
      await Promise.all(stores.map((store) => store.close()));
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

export function randomSimhash(random: () => number): string {
  let hex = '';
  for (let i = 0; i < 16; i += 1) hex += Math.floor(random() * 16).toString(16);
  return hex;
}

/** `simhash` with the given bit positions (0 = most significant) inverted. */
export function flipBits(simhash: string, bits: number[]): string {
  let value = BigInt(`0x${simhash}`);
  for (const bit of bits) value ^= 1n << BigInt(63 - bit);
  return value.toString(16).padStart(16, '0');
}

/** An article with every field in the spec's order (as JSON output has them), `removed` only if given. */
export function makeArticle(overrides: Partial<Article> & { id: string }): Article {
  const site = overrides.site === undefined ? 'example.com' : overrides.site;
  const { id, removed, ...rest } = overrides;
  const url = `https://${site ?? 'example.com'}/news/${id}`;
  return {
    id,
    url,
    canonicalUrl: url,
    site,
    publisher: 'Example News',
    title: `Story ${id}`,
    authors: ['Kim Min-ji', 'Lee Jae-hoon'],
    dateline: 'SEOUL',
    agency: null,
    publishedAt: '2026-11-01T09:30:00.000Z',
    modifiedAt: null,
    language: 'en',
    section: null,
    tags: ['economy'],
    text: `The body of story ${id}.\n\nA second paragraph.`,
    html: `<p>The body of story ${id}.</p><p>A second paragraph.</p>`,
    images: [{ url: `https://${site ?? 'example.com'}/img/${id}.jpg`, caption: 'A caption', credit: 'Yonhap' }],
    wordCount: 9,
    contentHash: `hash-${id}-1`,
    simhash: '0f0f0f0f0f0f0f0f',
    duplicateOf: null,
    ...(removed === undefined ? {} : { removed }),
    fetchedAt: '2026-11-01T10:00:00.000Z',
    extractedAt: '2026-11-01T10:00:01.000Z',
    extractor: 'newsworker-rules@1',
    ...rest,
  };
}

/** Drains an async iterable into an array. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
