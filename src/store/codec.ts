/**
 * What both backends share about the shape of stored data: article rows (JSON fields kept as JSON
 * text, so what comes out equals what went in), the sort instant, page cursors and raw-page
 * compression. Pure apart from zlib.
 */
import { promisify } from 'node:util';
import { brotliCompress, brotliCompressSync, brotliDecompress, constants as zlibConstants } from 'node:zlib';
import type { Article } from '../article.js';
import { StoreError } from './errors.js';
import type { Attempt, AttemptInput, AttemptStatus, RawPage, RawPageInput } from './types.js';

/** Column order of `articles` as written by both backends; `sort_at` and `version` come last. */
export const ARTICLE_COLUMNS = [
  'id', 'url', 'canonical_url', 'site', 'publisher', 'title', 'authors', 'dateline', 'agency',
  'published_at', 'modified_at', 'language', 'section', 'tags', 'text', 'html', 'images', 'word_count',
  'content_hash', 'simhash', 'duplicate_of', 'removed', 'fetched_at', 'extracted_at', 'extractor',
  'sort_at', 'version',
] as const;

export type ArticleRow = Record<(typeof ARTICLE_COLUMNS)[number], unknown>;

/** Normalized UTC instant (`toISOString`), so text comparison orders instants; null when unparseable. */
export function normalizeInstant(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** The instant an article is listed by: when it was published, else when it was extracted. */
export function sortInstant(article: Pick<Article, 'publishedAt' | 'extractedAt'>): string {
  return normalizeInstant(article.publishedAt) ?? normalizeInstant(article.extractedAt) ?? new Date(0).toISOString();
}

/** Values in ARTICLE_COLUMNS order. */
export function articleValues(article: Article, version: number, duplicateOf: string | null): unknown[] {
  return [
    article.id, article.url, article.canonicalUrl, article.site, article.publisher, article.title,
    JSON.stringify(article.authors), article.dateline, article.agency, article.publishedAt, article.modifiedAt,
    article.language, article.section, JSON.stringify(article.tags), article.text, article.html,
    JSON.stringify(article.images), article.wordCount, article.contentHash, article.simhash, duplicateOf,
    article.removed === undefined ? null : JSON.stringify(article.removed), article.fetchedAt,
    article.extractedAt, article.extractor, sortInstant(article), version,
  ];
}

/** PostgreSQL's `json` columns arrive parsed, SQLite's as text. */
function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function text(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

export function rowToArticle(row: Record<string, unknown>): Article {
  // Keys in the spec's order, `removed` only when it was stored, so JSON output matches input.
  const removed = row.removed === null || row.removed === undefined ? {} : { removed: json<Article['removed']>(row.removed) };
  return {
    id: String(row.id),
    url: text(row.url),
    canonicalUrl: text(row.canonical_url),
    site: text(row.site),
    publisher: text(row.publisher),
    title: String(row.title),
    authors: json<string[]>(row.authors),
    dateline: text(row.dateline),
    agency: text(row.agency),
    publishedAt: text(row.published_at),
    modifiedAt: text(row.modified_at),
    language: text(row.language),
    section: text(row.section),
    tags: json<string[]>(row.tags),
    text: String(row.text),
    html: String(row.html),
    images: json<Article['images']>(row.images),
    wordCount: Number(row.word_count),
    contentHash: String(row.content_hash),
    simhash: String(row.simhash),
    duplicateOf: text(row.duplicate_of),
    ...removed,
    fetchedAt: String(row.fetched_at),
    extractedAt: String(row.extracted_at),
    extractor: String(row.extractor),
  };
}

/** A keyset position: the last item's (sort instant, id). */
export interface Cursor {
  sortAt: string;
  id: string;
}

export function encodeCursor(article: Article): string {
  return Buffer.from(JSON.stringify([sortInstant(article), article.id])).toString('base64url');
}

export function decodeCursor(cursor: string): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[1] === 'string') {
      const sortAt = normalizeInstant(typeof value[0] === 'string' ? value[0] : null);
      if (sortAt !== null) return { sortAt, id: value[1] };
    }
  } catch {
    // fall through to the typed error below
  }
  throw new StoreError('invalid_cursor', `cursor "${cursor}" was not returned by listArticles`);
}

export const MAX_PAGE_SIZE = 1000;

/** Checks a listArticles query; returns its bounds normalized. */
export function checkQuery(query: { limit: number; since?: string; until?: string }): { since: string | null; until: string | null } {
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_PAGE_SIZE) {
    throw new StoreError('invalid_query', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${query.limit}`);
  }
  const bound = (name: 'since' | 'until'): string | null => {
    const value = query[name];
    if (value === undefined) return null;
    const instant = normalizeInstant(value);
    if (instant === null) throw new StoreError('invalid_query', `${name} "${value}" is not an ISO 8601 date`);
    return instant;
  };
  return { since: bound('since'), until: bound('until') };
}

const compress = promisify(brotliCompress);
const decompress = promisify(brotliDecompress);

/**
 * Brotli at quality 2: on the scrapinghub-aeb pages 19.9% of the original size in 0.93 ms of CPU a
 * page, where quality 4 gives 18.5% in 2.4 ms and quality 5 17.3% in 6.9 ms. Every ingested page
 * pays this on a core the extractor needs (it was a sixth of the worker's CPU per URL at quality 4),
 * so the cheap setting wins; decompression reads any quality.
 */
export async function compressBody(body: Buffer): Promise<Buffer> {
  const options = { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 2, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length } };
  return body.length > SYNC_COMPRESS_MAX_BYTES ? compress(body, options) : brotliCompressSync(body, options);
}

/**
 * Bodies up to this size are compressed on the calling thread. zlib's asynchronous form runs the
 * same work on the thread pool but wraps it in a stream, chunk hand-overs and callbacks: on the
 * dataset's pages it cost 1.6-1.9 ms of CPU a page against 0.87 ms done in place, and on a small
 * machine the worker's CPU per URL bounds its throughput. A 1 MiB page blocks the event loop for
 * about 5 ms; larger ones go to the pool.
 */
const SYNC_COMPRESS_MAX_BYTES = 1024 * 1024;

export function decompressBody(stored: Buffer): Promise<Buffer> {
  return decompress(stored);
}

/** An `attempts` row as the Attempt a person reads. */
export function rowToAttempt(row: Record<string, unknown>): Attempt {
  const numberOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
  return {
    url: String(row.url),
    jobId: text(row.job_id),
    status: String(row.status) as AttemptStatus,
    reason: text(row.reason),
    httpStatus: numberOrNull(row.http_status),
    articleId: text(row.article_id),
    attempt: Number(row.attempt),
    timings: { fetchMs: numberOrNull(row.fetch_ms), extractMs: numberOrNull(row.extract_ms), totalMs: numberOrNull(row.total_ms) },
    at: String(row.at),
  };
}

/** Values for `attempts` (url, job_id, status, reason, http_status, article_id, attempt, fetch_ms, extract_ms, total_ms, at). */
export function attemptValues(attempt: AttemptInput): unknown[] {
  return [
    attempt.url, attempt.jobId ?? null, attempt.status, attempt.reason ?? null, attempt.httpStatus ?? null,
    attempt.articleId ?? null, attempt.attempt, attempt.timings.fetchMs ?? null, attempt.timings.extractMs ?? null,
    attempt.timings.totalMs ?? null, attempt.at,
  ];
}

export const ATTEMPT_COLUMNS = 'url, job_id, status, reason, http_status, article_id, attempt, fetch_ms, extract_ms, total_ms, at';

/** Rows read per batch by the iterators: small enough to keep memory flat, large enough to be quick. */
export const ITERATION_BATCH = 200;

/** A raw page as stored: the body compressed, headers as JSON text, the fetch instant normalized for filtering. */
export interface StoredRawPage {
  url: string;
  body: Buffer;
  encoding: 'br';
  byteLength: number;
  headers: string;
  fetchedAt: string;
  fetchedInstant: string;
}

export async function encodeRawPage(raw: RawPageInput): Promise<StoredRawPage> {
  return {
    url: raw.url,
    body: await compressBody(raw.body),
    encoding: 'br',
    byteLength: raw.body.length,
    headers: JSON.stringify(raw.headers),
    fetchedAt: raw.fetchedAt,
    fetchedInstant: normalizeInstant(raw.fetchedAt) ?? new Date().toISOString(),
  };
}

export async function decodeRawPage(row: Record<string, unknown>): Promise<RawPage> {
  if (row.encoding !== 'br') {
    throw new StoreError('corrupt', `raw page of ${String(row.article_id)} has unknown encoding "${String(row.encoding)}"`);
  }
  return {
    articleId: String(row.article_id),
    url: String(row.url),
    body: await decompressBody(row.body as Buffer),
    headers: json<Record<string, string>>(row.headers),
    fetchedAt: String(row.fetched_at),
  };
}
