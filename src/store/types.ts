/**
 * The storage contract both backends (SQLite, PostgreSQL) fulfil. Every method is async and throws
 * only `StoreError` (see ./errors.ts), whose `retryable` flag tells the worker whether to try again.
 */
import type { Article } from '../article.js';

/** The page as fetched, kept (compressed) so articles can be re-extracted without fetching again. */
export interface RawPageInput {
  body: Buffer;
  headers: Record<string, string>;
  url: string;
  fetchedAt: string;
}

export interface RawPage extends RawPageInput {
  articleId: string;
}

export interface RawPageFilter {
  /** Only pages of articles from this site (the article's `site`). */
  site?: string;
  /** Only pages fetched at or after this instant (ISO 8601). */
  since?: string;
}

export interface SaveResult {
  /** `unchanged`: same `contentHash` as stored; `updated`: new text, the previous version archived. */
  outcome: 'inserted' | 'unchanged' | 'updated';
  /** The stored article's version after this save, counting from 1. */
  version: number;
  /** The earlier article this one is a near-duplicate of (decided once, when first inserted). */
  duplicateOf: string | null;
}

export type AttemptStatus = 'ok' | 'not_modified' | 'failed' | 'retrying' | 'delayed';

export interface AttemptTimings {
  fetchMs?: number;
  extractMs?: number;
  /** From the job's start; for an `ok` attempt (recorded with its article) up to the save. */
  totalMs?: number;
}

export interface AttemptInput {
  url: string;
  jobId?: string | null;
  status: AttemptStatus;
  reason?: string | null;
  httpStatus?: number | null;
  articleId?: string | null;
  attempt: number;
  timings: AttemptTimings;
  at: string;
}

/**
 * The attempt that produced an article, recorded by `saveArticle` in the same transaction as the
 * article: status `ok`, the article's id, and the save's outcome as reason. One write less per
 * ingested page, and no stored article without its attempt.
 */
export type SavedAttempt = Omit<AttemptInput, 'status' | 'reason' | 'articleId'>;

/** One recorded attempt, as read back: optional fields are `null` when they were not given. */
export interface Attempt {
  url: string;
  jobId: string | null;
  status: AttemptStatus;
  reason: string | null;
  httpStatus: number | null;
  articleId: string | null;
  attempt: number;
  timings: { fetchMs: number | null; extractMs: number | null; totalMs: number | null };
  at: string;
}

/** Conditional GET validators remembered per URL. */
export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

export interface ArticleQuery {
  site?: string;
  language?: string;
  /** Inclusive lower bound on `publishedAt` (or `extractedAt` when unknown), ISO 8601. */
  since?: string;
  /** Exclusive upper bound on the same instant. */
  until?: string;
  /**
   * Full-text search over title and text, PostgreSQL `websearch_to_tsquery` syntax: words (all
   * required), "quoted phrases", `-excluded`, `or`. Case-insensitive, no stemming. A `q` without any
   * letter or digit filters nothing.
   */
  q?: string;
  /** Page size, 1..1000. */
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface ArticlePage {
  /** Newest first by (`publishedAt` ?? `extractedAt`, `id`). */
  items: Article[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface ArticleVersion {
  version: number;
  contentHash: string;
  article: Article;
}

/** A URL accepted for ingestion, as written to the outbox before it is queued. */
export interface OutboxInput {
  url: string;
  jobId: string;
  /** `api`, `cli`, `source:<id>`: who accepted it. */
  origin: string;
  acceptedAt: string;
}

export interface OutboxEntry extends OutboxInput {
  /** When its final attempt (ok, not_modified, failed) was recorded; null while it has none. */
  doneAt: string | null;
}

export interface Store {
  /** Which backend this is, for logs and readiness output. */
  readonly backend: 'sqlite' | 'postgres';
  /** Upserts by id (see SaveResult); with `raw`, keeps it as the article's latest page; with `attempt`, records it (see SavedAttempt). */
  saveArticle(article: Article, raw?: RawPageInput, attempt?: SavedAttempt): Promise<SaveResult>;
  getArticle(id: string): Promise<Article | null>;
  getArticleByUrl(url: string): Promise<Article | null>;
  /**
   * Which of `urls` getArticleByUrl would find: those stored as an article's `url` or
   * `canonical_url`, compared exactly as given (no normalization). One query per chunk of URLs,
   * for callers checking thousands at once (a sitemap's).
   */
  storedUrls(urls: readonly string[]): Promise<Set<string>>;
  listArticles(query: ArticleQuery): Promise<ArticlePage>;
  /** Every version of an article, oldest first, the current one last; `[]` for an unknown id. */
  listVersions(id: string): Promise<ArticleVersion[]>;
  countArticles(): Promise<number>;
  /** All articles in spec format, in `id` order, read in batches (safe to write while iterating). */
  iterateArticles(): AsyncIterable<Article>;
  /** The raw page kept for one article, or null when none was kept. */
  getRawPage(articleId: string): Promise<RawPage | null>;
  iterateRawPages(filter?: RawPageFilter): AsyncIterable<RawPage>;
  countRawPages(filter?: RawPageFilter): Promise<number>;
  recordAttempt(attempt: AttemptInput): Promise<void>;
  /** Attempts for a URL, oldest first. */
  listAttempts(url: string): Promise<Attempt[]>;
  /** The latest attempt for a URL, or null when it was never tried. */
  lastOutcome(url: string): Promise<Attempt | null>;
  getValidators(url: string): Promise<Validators | null>;
  setValidators(url: string, validators: Validators): Promise<void>;
  /** Writes accepted URLs to the outbox; accepting a URL again opens its entry again. */
  acceptUrls(entries: readonly OutboxInput[]): Promise<void>;
  /** Closes open entries whose URL has a final attempt at or after its acceptance; returns how many. */
  settleOutbox(): Promise<number>;
  /**
   * Open entries accepted before `acceptedBefore` (ISO 8601), oldest first (by acceptance, then
   * URL); `after` is the last entry of the previous page.
   */
  openOutbox(acceptedBefore: string, limit: number, after?: Pick<OutboxEntry, 'acceptedAt' | 'url'>): Promise<OutboxEntry[]>;
  getOutboxEntry(url: string): Promise<OutboxEntry | null>;
  /** Resolves when the database answers a trivial query; throws a StoreError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Largest Hamming distance between simhashes that still counts as the same story. @defaultValue 3 */
  nearDuplicateDistance?: number;
  /** SQLite: how long a writer waits for the lock before SQLITE_BUSY. @defaultValue 5000 */
  busyTimeoutMs?: number;
  /** SQLite: cap on the database size in pages (`PRAGMA max_page_count`); beyond it writes fail with `disk_full`. */
  maxPageCount?: number;
  /** PostgreSQL: pool size. @defaultValue 10 */
  poolSize?: number;
}
