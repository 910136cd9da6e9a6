/**
 * The PostgreSQL backend (pg Pool). Transactions run at READ COMMITTED; a save claims a new id with
 * `INSERT ... ON CONFLICT DO NOTHING`, so of N concurrent saves of one id exactly one inserts and the
 * others wait for it to commit, then lock the row (`FOR UPDATE`) and compare content hashes.
 * Inserts lock their simhash bands (advisory, per transaction) so two near-duplicates saved at the
 * same moment are still linked; SQLite gets both for free from its single writer. How a save is
 * cut into few round trips is in ./postgres-save.ts.
 */
import pg from 'pg';
import type { Article } from '../article.js';
import {
  ATTEMPT_COLUMNS, ITERATION_BATCH, attemptValues, checkQuery, decodeCursor, decodeRawPage,
  encodeCursor, encodeRawPage, normalizeInstant, rowToArticle, rowToAttempt,
} from './codec.js';
import { StoreError, toStoreError } from './errors.js';
import { isSearchable } from './fts-query.js';
import { ACCEPT_BATCH, OPEN_OUTBOX, OUTBOX_COLUMNS, SETTLE_OUTBOX, acceptStatement, acceptValues, rowToOutboxEntry } from './outbox.js';
import { openPool, runQuery, runTransaction, type Client } from './postgres-pool.js';
import { COLUMNS, placeholders, saveArticle as saveArticleRow } from './postgres-save.js';
import { DEFAULT_NEAR_DUPLICATE_DISTANCE, simhashBands } from './simhash.js';
import type {
  ArticlePage, ArticleQuery, ArticleVersion, Attempt, AttemptInput, OutboxEntry, OutboxInput, RawPage, RawPageFilter,
  RawPageInput, SaveResult, SavedAttempt, Store, StoreOptions, Validators,
} from './types.js';

type Row = Record<string, unknown>;

/** URLs per storedUrls query (one array parameter each). */
const STORED_URLS_CHUNK = 1000;
/** Written once per job and read before each fetch: named, so each connection plans them once. */
const RECORD_ATTEMPT = `INSERT INTO attempts (${ATTEMPT_COLUMNS}) VALUES (${placeholders(11)})`;

export async function openPostgresStore(connectionString: string, options: StoreOptions = {}): Promise<Store> {
  const pool = await openPool(connectionString, options.poolSize ?? 10);
  return new PostgresStore(pool, options.nearDuplicateDistance ?? DEFAULT_NEAR_DUPLICATE_DISTANCE);
}

class PostgresStore implements Store {
  readonly backend = 'postgres' as const;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly nearDuplicateDistance: number,
  ) {}

  private query(operation: string, text: string, values: unknown[] = []): Promise<Row[]> {
    return runQuery(this.pool, operation, text, values);
  }

  private transaction<T>(operation: string, body: (client: Client) => Promise<T>): Promise<T> {
    return runTransaction(this.pool, operation, body);
  }

  async saveArticle(article: Article, raw?: RawPageInput, attempt?: SavedAttempt): Promise<SaveResult> {
    try {
      simhashBands(article.simhash);
    } catch (err) {
      throw toStoreError(err, 'postgres', 'saveArticle');
    }
    const storedRaw = raw === undefined ? null : await encodeRawPage(raw).catch((err: unknown) => {
      throw toStoreError(err, 'postgres', 'saveArticle');
    });
    return saveArticleRow(
      {
        query: (name, text, values) => runQuery(this.pool, 'saveArticle', text, values, name),
        transaction: (body) => this.transaction('saveArticle', body),
        nearDuplicateDistance: this.nearDuplicateDistance,
      },
      article,
      { raw: storedRaw, attempt: attempt ?? null },
    );
  }

  async getArticle(id: string): Promise<Article | null> {
    const [row] = await this.query('getArticle', `SELECT ${COLUMNS} FROM articles WHERE id = $1`, [id]);
    return row === undefined ? null : rowToArticle(row);
  }

  async getArticleByUrl(url: string): Promise<Article | null> {
    const [row] = await this.query(
      'getArticleByUrl',
      `SELECT ${COLUMNS} FROM articles WHERE url = $1 OR canonical_url = $1 ORDER BY (url = $1) DESC, seq LIMIT 1`,
      [url],
    );
    return row === undefined ? null : rowToArticle(row);
  }

  async storedUrls(urls: readonly string[]): Promise<Set<string>> {
    const stored = new Set<string>();
    for (let i = 0; i < urls.length; i += STORED_URLS_CHUNK) {
      const chunk = urls.slice(i, i + STORED_URLS_CHUNK);
      // One text[] parameter: the same statement for any chunk size, and a bitmap OR of the url
      // and canonical_url indexes. A row may match through either column, so both come back and
      // only the given URLs among them count.
      const rows = await this.query(
        'storedUrls',
        'SELECT url, canonical_url FROM articles WHERE url = ANY($1::text[]) OR canonical_url = ANY($1::text[])',
        [chunk],
      );
      const given = new Set(chunk);
      for (const row of rows) {
        for (const value of [row.url, row.canonical_url]) if (typeof value === 'string' && given.has(value)) stored.add(value);
      }
    }
    return stored;
  }

  async listArticles(query: ArticleQuery): Promise<ArticlePage> {
    let bounds: ReturnType<typeof checkQuery>;
    let cursor: ReturnType<typeof decodeCursor> | null;
    try {
      bounds = checkQuery(query);
      cursor = query.cursor === undefined ? null : decodeCursor(query.cursor);
    } catch (err) {
      throw toStoreError(err, 'postgres', 'listArticles');
    }
    const where: string[] = [];
    const values: unknown[] = [];
    const param = (value: unknown): string => `$${values.push(value)}`;
    if (query.site !== undefined) where.push(`site = ${param(query.site)}`);
    if (query.language !== undefined) where.push(`language = ${param(query.language)}`);
    if (bounds.since !== null) where.push(`sort_at >= ${param(bounds.since)}::timestamptz`);
    if (bounds.until !== null) where.push(`sort_at < ${param(bounds.until)}::timestamptz`);
    if (cursor !== null) where.push(`(sort_at, id) < (${param(cursor.sortAt)}::timestamptz, ${param(cursor.id)})`);
    if (query.q !== undefined && isSearchable(query.q)) where.push(`search @@ websearch_to_tsquery('simple', ${param(query.q)})`);
    const rows = await this.query(
      'listArticles',
      `SELECT ${COLUMNS} FROM articles ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY sort_at DESC, id DESC LIMIT ${param(query.limit + 1)}`,
      values,
    );
    const items = rows.slice(0, query.limit).map(rowToArticle);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last !== undefined ? encodeCursor(last) : null };
  }

  async listVersions(id: string): Promise<ArticleVersion[]> {
    // One statement, one snapshot: the archive and the current row agree even during an update.
    const rows = await this.query(
      'listVersions',
      `SELECT version, content_hash, article, NULL AS current FROM article_versions WHERE article_id = $1
       UNION ALL
       SELECT version, content_hash, NULL, row_to_json(a) FROM (SELECT ${COLUMNS} FROM articles WHERE id = $1) a
       ORDER BY version`,
      [id],
    );
    if (!rows.some((row) => row.current !== null)) return [];
    return rows.map((row) => ({
      version: Number(row.version),
      contentHash: String(row.content_hash),
      article: row.current === null ? (row.article as Article) : rowToArticle(row.current as Row),
    }));
  }

  async countArticles(): Promise<number> {
    const [row] = await this.query('countArticles', 'SELECT count(*) AS n FROM articles');
    return Number(row?.n ?? 0);
  }

  async *iterateArticles(): AsyncIterable<Article> {
    let after = '';
    for (;;) {
      const rows = await this.query(
        'iterateArticles',
        `SELECT ${COLUMNS} FROM articles WHERE id > $1 ORDER BY id LIMIT $2`,
        [after, ITERATION_BATCH],
      );
      for (const row of rows) yield rowToArticle(row);
      const last = rows[rows.length - 1];
      if (last === undefined || rows.length < ITERATION_BATCH) return;
      after = String(last.id);
    }
  }

  /** WHERE clauses for a raw-page filter, numbering parameters after `offset` existing ones. */
  private rawFilter(filter: RawPageFilter, offset: number): { clause: string; values: unknown[] } {
    const clauses: string[] = [];
    const values: unknown[] = [];
    if (filter.site !== undefined) {
      values.push(filter.site);
      clauses.push(`article_id IN (SELECT id FROM articles WHERE site = $${offset + values.length})`);
    }
    if (filter.since !== undefined) {
      const since = normalizeInstant(filter.since);
      if (since === null) throw new StoreError('invalid_query', `since "${filter.since}" is not an ISO 8601 date`);
      values.push(since);
      clauses.push(`fetched_instant >= $${offset + values.length}::timestamptz`);
    }
    return { clause: clauses.map((clause) => ` AND ${clause}`).join(''), values };
  }

  async getRawPage(articleId: string): Promise<RawPage | null> {
    const [row] = await this.query(
      'getRawPage',
      'SELECT article_id, url, body, encoding, headers, fetched_at FROM raw_pages WHERE article_id = $1',
      [articleId],
    );
    if (row === undefined) return null;
    return decodeRawPage(row).catch((err: unknown) => {
      throw toStoreError(err, 'postgres', 'getRawPage');
    });
  }

  async *iterateRawPages(filter: RawPageFilter = {}): AsyncIterable<RawPage> {
    const { clause, values } = this.rawFilter(filter, 2);
    let after = '';
    for (;;) {
      const rows = await this.query(
        'iterateRawPages',
        `SELECT article_id, url, body, encoding, headers, fetched_at FROM raw_pages
         WHERE article_id > $1${clause} ORDER BY article_id LIMIT $2`,
        [after, ITERATION_BATCH, ...values],
      );
      for (const row of rows) {
        yield await decodeRawPage(row).catch((err: unknown) => {
          throw toStoreError(err, 'postgres', 'iterateRawPages');
        });
      }
      const last = rows[rows.length - 1];
      if (last === undefined || rows.length < ITERATION_BATCH) return;
      after = String(last.article_id);
    }
  }

  async countRawPages(filter: RawPageFilter = {}): Promise<number> {
    const { clause, values } = this.rawFilter(filter, 0);
    const [row] = await this.query('countRawPages', `SELECT count(*) AS n FROM raw_pages WHERE true${clause}`, values);
    return Number(row?.n ?? 0);
  }

  async recordAttempt(attempt: AttemptInput): Promise<void> {
    await runQuery(this.pool, 'recordAttempt', RECORD_ATTEMPT, attemptValues(attempt), 'nw_record_attempt');
  }

  async listAttempts(url: string): Promise<Attempt[]> {
    const rows = await this.query('listAttempts', `SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE url = $1 ORDER BY id`, [url]);
    return rows.map(rowToAttempt);
  }

  async lastOutcome(url: string): Promise<Attempt | null> {
    const [row] = await this.query('lastOutcome', `SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE url = $1 ORDER BY id DESC LIMIT 1`, [url]);
    return row === undefined ? null : rowToAttempt(row);
  }

  async getValidators(url: string): Promise<Validators | null> {
    const [row] = await runQuery(this.pool, 'getValidators', 'SELECT etag, last_modified FROM validators WHERE url = $1', [url], 'nw_get_validators');
    return row === undefined ? null : { etag: (row.etag as string | null) ?? null, lastModified: (row.last_modified as string | null) ?? null };
  }

  async setValidators(url: string, validators: Validators): Promise<void> {
    await this.query(
      'setValidators',
      `INSERT INTO validators (url, etag, last_modified) VALUES ($1, $2, $3)
       ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, updated_at = now()`,
      [url, validators.etag, validators.lastModified],
    );
  }

  async acceptUrls(entries: readonly OutboxInput[]): Promise<void> {
    for (let i = 0; i < entries.length; i += ACCEPT_BATCH) {
      const { rows, values } = acceptValues(entries.slice(i, i + ACCEPT_BATCH));
      await this.query('acceptUrls', acceptStatement(rows, 'postgres'), values);
    }
  }

  async settleOutbox(): Promise<number> {
    const rows = await this.query('settleOutbox', `WITH settled AS (${SETTLE_OUTBOX} RETURNING 1) SELECT count(*) AS n FROM settled`);
    return Number(rows[0]?.n ?? 0);
  }

  async openOutbox(acceptedBefore: string, limit: number, after?: Pick<OutboxEntry, 'acceptedAt' | 'url'>): Promise<OutboxEntry[]> {
    const rows = await this.query('openOutbox', OPEN_OUTBOX('$1', '$2', '$3', '$4'), [acceptedBefore, after?.acceptedAt ?? '', after?.url ?? '', limit]);
    return rows.map(rowToOutboxEntry);
  }

  async getOutboxEntry(url: string): Promise<OutboxEntry | null> {
    const [row] = await this.query('getOutboxEntry', `SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE url = $1`, [url]);
    return row === undefined ? null : rowToOutboxEntry(row);
  }

  async ping(): Promise<void> {
    await this.query('ping', 'SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
