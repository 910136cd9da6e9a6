/**
 * The SQLite backend (better-sqlite3) on one connection (see ./sqlite-database.ts). Every write runs
 * in a `BEGIN IMMEDIATE` transaction, so concurrent writers (other connections, other processes)
 * queue on `busy_timeout` instead of failing on a lock upgrade halfway through. better-sqlite3 is
 * synchronous: a transaction body never awaits, so two saves on one connection cannot interleave.
 */
import type Database from 'better-sqlite3';
import type { Article } from '../article.js';
import {
  ARTICLE_COLUMNS, ATTEMPT_COLUMNS, ITERATION_BATCH, articleValues, attemptValues, checkQuery, decodeCursor,
  decodeRawPage, encodeCursor, encodeRawPage, normalizeInstant, rowToArticle, rowToAttempt, type StoredRawPage,
} from './codec.js';
import { StoreError, toStoreError } from './errors.js';
import { toFts5Search } from './fts-query.js';
import { ACCEPT_BATCH, OPEN_OUTBOX, OUTBOX_COLUMNS, SETTLE_OUTBOX, acceptStatement, acceptValues, rowToOutboxEntry } from './outbox.js';
import { SQLITE_NOW as NOW, openSqliteDatabase } from './sqlite-database.js';
import { DEFAULT_NEAR_DUPLICATE_DISTANCE, firstNearDuplicate, simhashBands } from './simhash.js';
import type {
  ArticlePage, ArticleQuery, ArticleVersion, Attempt, AttemptInput, OutboxEntry, OutboxInput, RawPage, RawPageFilter,
  RawPageInput, SaveResult, SavedAttempt, Store, StoreOptions, Validators,
} from './types.js';

type Row = Record<string, unknown>;

const COLUMNS = ARTICLE_COLUMNS.join(', ');
const PLACEHOLDERS = ARTICLE_COLUMNS.map(() => '?').join(', ');
/** URLs per storedUrls query: bounds the JSON text built and parsed at once. */
const STORED_URLS_CHUNK = 1000;
const UPDATE_SET = ARTICLE_COLUMNS.slice(1).map((column) => `${column} = ?`).join(', ');

export async function openSqliteStore(path: string, options: StoreOptions = {}): Promise<Store> {
  const db = openSqliteDatabase(path, options);
  return new SqliteStore(db, options.nearDuplicateDistance ?? DEFAULT_NEAR_DUPLICATE_DISTANCE);
}

class SqliteStore implements Store {
  readonly backend = 'sqlite' as const;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly saveTransaction: Database.Transaction<(article: Article, raw: StoredRawPage | null, attempt: SavedAttempt | null) => SaveResult>;

  constructor(
    private readonly db: Database.Database,
    private readonly nearDuplicateDistance: number,
  ) {
    this.saveTransaction = db.transaction((article: Article, raw: StoredRawPage | null, attempt: SavedAttempt | null) => {
      const result = this.upsertArticle(article);
      if (raw !== null) this.upsertRawPage(article.id, raw);
      if (attempt !== null) this.insertAttempt({ ...attempt, status: 'ok', reason: result.outcome, articleId: article.id });
      return result;
    });
  }

  /** Prepared statements, cached by their SQL (listArticles builds a few variants). */
  private sql(source: string): Database.Statement {
    let statement = this.statements.get(source);
    if (statement === undefined) {
      statement = this.db.prepare(source);
      this.statements.set(source, statement);
    }
    return statement;
  }

  private async run<T>(operation: string, body: () => T | Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (err) {
      throw toStoreError(err, 'sqlite', operation);
    }
  }

  async saveArticle(article: Article, raw?: RawPageInput, attempt?: SavedAttempt): Promise<SaveResult> {
    return this.run('saveArticle', async () => {
      simhashBands(article.simhash);
      const storedRaw = raw === undefined ? null : await encodeRawPage(raw);
      return this.saveTransaction.immediate(article, storedRaw, attempt ?? null);
    });
  }

  private upsertArticle(article: Article): SaveResult {
    // Three short columns decide; the whole row (text, html) is read only to archive an edited one.
    const existing = this.sql('SELECT version, content_hash, duplicate_of FROM articles WHERE id = ?').get(article.id) as Row | undefined;
    if (existing === undefined) {
      const duplicateOf = this.findNearDuplicate(article) ?? article.duplicateOf;
      this.sql(`INSERT INTO articles (${COLUMNS}) VALUES (${PLACEHOLDERS})`).run(articleValues(article, 1, duplicateOf));
      this.writeBands(article);
      return { outcome: 'inserted', version: 1, duplicateOf };
    }
    const version = Number(existing.version);
    const duplicateOf = (existing.duplicate_of as string | null) ?? null;
    if (existing.content_hash === article.contentHash) return { outcome: 'unchanged', version, duplicateOf };
    const previous = this.sql(`SELECT ${COLUMNS} FROM articles WHERE id = ?`).get(article.id) as Row;
    this.sql('INSERT INTO article_versions (article_id, version, content_hash, article) VALUES (?, ?, ?, ?)').run(
      article.id, version, existing.content_hash, JSON.stringify(rowToArticle(previous)),
    );
    const [, ...rest] = articleValues(article, version + 1, duplicateOf);
    this.sql(`UPDATE articles SET ${UPDATE_SET}, updated_at = ${NOW} WHERE id = ?`).run(...rest, article.id);
    this.sql('DELETE FROM simhash_bands WHERE article_id = ?').run(article.id);
    this.writeBands(article);
    return { outcome: 'updated', version: version + 1, duplicateOf };
  }

  /** Candidates sharing a band, through the (band, value) primary key; the earliest stored wins. */
  private findNearDuplicate(article: Article): string | null {
    const bands = simhashBands(article.simhash);
    const byBand = bands.map(() => 'SELECT article_id FROM simhash_bands WHERE band = ? AND value = ?').join(' UNION ');
    const candidates = this.sql(
      `SELECT id, simhash FROM articles WHERE id IN (${byBand}) AND id <> ? ORDER BY seq`,
    ).all(...bands.flatMap((value, band) => [band, value]), article.id) as Array<{ id: string; simhash: string }>;
    return firstNearDuplicate(article.simhash, candidates, this.nearDuplicateDistance);
  }

  private writeBands(article: Article): void {
    const insert = this.sql('INSERT INTO simhash_bands (band, value, article_id) VALUES (?, ?, ?)');
    simhashBands(article.simhash).forEach((value, band) => insert.run(band, value, article.id));
  }

  private insertAttempt(attempt: AttemptInput): void {
    this.sql(`INSERT INTO attempts (${ATTEMPT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(attemptValues(attempt));
  }

  private upsertRawPage(articleId: string, raw: StoredRawPage): void {
    this.sql(
      `INSERT INTO raw_pages (article_id, url, body, encoding, byte_length, headers, fetched_at, fetched_instant)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (article_id) DO UPDATE SET url = excluded.url, body = excluded.body, encoding = excluded.encoding,
         byte_length = excluded.byte_length, headers = excluded.headers, fetched_at = excluded.fetched_at,
         fetched_instant = excluded.fetched_instant`,
    ).run(articleId, raw.url, raw.body, raw.encoding, raw.byteLength, raw.headers, raw.fetchedAt, raw.fetchedInstant);
  }

  async getArticle(id: string): Promise<Article | null> {
    return this.run('getArticle', () => {
      const row = this.sql(`SELECT ${COLUMNS} FROM articles WHERE id = ?`).get(id) as Row | undefined;
      return row === undefined ? null : rowToArticle(row);
    });
  }

  async getArticleByUrl(url: string): Promise<Article | null> {
    return this.run('getArticleByUrl', () => {
      const row = this.sql(
        `SELECT ${COLUMNS} FROM articles WHERE url = ? OR canonical_url = ? ORDER BY url = ? DESC, seq LIMIT 1`,
      ).get(url, url, url) as Row | undefined;
      return row === undefined ? null : rowToArticle(row);
    });
  }

  async storedUrls(urls: readonly string[]): Promise<Set<string>> {
    return this.run('storedUrls', () => {
      // One JSON array parameter per chunk: a single prepared statement whatever the chunk's size,
      // and each URL still answered through the url and canonical_url indexes.
      const statement = this.sql(
        `SELECT value FROM json_each(?) AS given
         WHERE EXISTS (SELECT 1 FROM articles WHERE url = given.value)
            OR EXISTS (SELECT 1 FROM articles WHERE canonical_url = given.value)`,
      ).pluck();
      const stored = new Set<string>();
      for (let i = 0; i < urls.length; i += STORED_URLS_CHUNK) {
        for (const url of statement.all(JSON.stringify(urls.slice(i, i + STORED_URLS_CHUNK))) as string[]) stored.add(url);
      }
      return stored;
    });
  }

  async listArticles(query: ArticleQuery): Promise<ArticlePage> {
    return this.run('listArticles', () => {
      const { since, until } = checkQuery(query);
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (clause: string, ...values: unknown[]): void => {
        where.push(clause);
        params.push(...values);
      };
      if (query.site !== undefined) add('site = ?', query.site);
      if (query.language !== undefined) add('language = ?', query.language);
      if (since !== null) add('sort_at >= ?', since);
      if (until !== null) add('sort_at < ?', until);
      if (query.cursor !== undefined) {
        const cursor = decodeCursor(query.cursor);
        add('(sort_at, id) < (?, ?)', cursor.sortAt, cursor.id);
      }
      const search = query.q === undefined ? null : toFts5Search(query.q);
      if (search !== null) {
        add(`seq ${search.negated ? 'NOT IN' : 'IN'} (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)`, search.match);
      }
      const rows = this.sql(
        `SELECT ${COLUMNS} FROM articles ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY sort_at DESC, id DESC LIMIT ?`,
      ).all(...params, query.limit + 1) as Row[];
      const items = rows.slice(0, query.limit).map(rowToArticle);
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > query.limit && last !== undefined ? encodeCursor(last) : null };
    });
  }

  async listVersions(id: string): Promise<ArticleVersion[]> {
    return this.run('listVersions', () => {
      const read = this.db.transaction(() => {
        const earlier = this.sql(
          'SELECT version, content_hash, article FROM article_versions WHERE article_id = ? ORDER BY version',
        ).all(id) as Row[];
        const current = this.sql(`SELECT ${COLUMNS} FROM articles WHERE id = ?`).get(id) as Row | undefined;
        return { earlier, current };
      });
      const { earlier, current } = read();
      if (current === undefined) return [];
      const versions: ArticleVersion[] = earlier.map((row) => ({
        version: Number(row.version),
        contentHash: String(row.content_hash),
        article: JSON.parse(String(row.article)) as Article,
      }));
      versions.push({ version: Number(current.version), contentHash: String(current.content_hash), article: rowToArticle(current) });
      return versions;
    });
  }

  async countArticles(): Promise<number> {
    return this.run('countArticles', () => Number(this.sql('SELECT count(*) FROM articles').pluck().get()));
  }

  async *iterateArticles(): AsyncIterable<Article> {
    let after = '';
    for (;;) {
      const rows = await this.run('iterateArticles', () =>
        this.sql(`SELECT ${COLUMNS} FROM articles WHERE id > ? ORDER BY id LIMIT ?`).all(after, ITERATION_BATCH) as Row[],
      );
      for (const row of rows) yield rowToArticle(row);
      const last = rows[rows.length - 1];
      if (last === undefined || rows.length < ITERATION_BATCH) return;
      after = String(last.id);
    }
  }

  private rawFilter(filter: RawPageFilter): { clause: string; params: unknown[] } {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (filter.site !== undefined) {
      clauses.push('article_id IN (SELECT id FROM articles WHERE site = ?)');
      params.push(filter.site);
    }
    if (filter.since !== undefined) {
      const since = normalizeInstant(filter.since);
      if (since === null) throw new StoreError('invalid_query', `since "${filter.since}" is not an ISO 8601 date`);
      clauses.push('fetched_instant >= ?');
      params.push(since);
    }
    return { clause: clauses.map((clause) => ` AND ${clause}`).join(''), params };
  }

  async getRawPage(articleId: string): Promise<RawPage | null> {
    const row = await this.run('getRawPage', () =>
      this.sql('SELECT article_id, url, body, encoding, headers, fetched_at FROM raw_pages WHERE article_id = ?').get(articleId) as Row | undefined,
    );
    return row === undefined ? null : this.run('getRawPage', () => decodeRawPage(row));
  }

  async *iterateRawPages(filter: RawPageFilter = {}): AsyncIterable<RawPage> {
    const { clause, params } = await this.run('iterateRawPages', () => this.rawFilter(filter));
    let after = '';
    for (;;) {
      const rows = await this.run('iterateRawPages', () =>
        this.sql(
          `SELECT article_id, url, body, encoding, headers, fetched_at FROM raw_pages
           WHERE article_id > ?${clause} ORDER BY article_id LIMIT ?`,
        ).all(after, ...params, ITERATION_BATCH) as Row[],
      );
      for (const row of rows) yield await this.run('iterateRawPages', () => decodeRawPage(row));
      const last = rows[rows.length - 1];
      if (last === undefined || rows.length < ITERATION_BATCH) return;
      after = String(last.article_id);
    }
  }

  async countRawPages(filter: RawPageFilter = {}): Promise<number> {
    return this.run('countRawPages', () => {
      const { clause, params } = this.rawFilter(filter);
      return Number(this.sql(`SELECT count(*) FROM raw_pages WHERE 1 = 1${clause}`).pluck().get(...params));
    });
  }

  /** A single-statement write, in BEGIN IMMEDIATE like every other write. */
  private write(body: () => void): void {
    this.db.transaction(body).immediate();
  }

  async recordAttempt(attempt: AttemptInput): Promise<void> {
    await this.run('recordAttempt', () => {
      this.write(() => this.insertAttempt(attempt));
    });
  }

  async listAttempts(url: string): Promise<Attempt[]> {
    return this.run('listAttempts', () =>
      (this.sql(`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE url = ? ORDER BY id`).all(url) as Row[]).map(rowToAttempt),
    );
  }

  async lastOutcome(url: string): Promise<Attempt | null> {
    return this.run('lastOutcome', () => {
      const row = this.sql(`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE url = ? ORDER BY id DESC LIMIT 1`).get(url) as Row | undefined;
      return row === undefined ? null : rowToAttempt(row);
    });
  }

  async getValidators(url: string): Promise<Validators | null> {
    return this.run('getValidators', () => {
      const row = this.sql('SELECT etag, last_modified FROM validators WHERE url = ?').get(url) as Row | undefined;
      return row === undefined ? null : { etag: (row.etag as string | null) ?? null, lastModified: (row.last_modified as string | null) ?? null };
    });
  }

  async setValidators(url: string, validators: Validators): Promise<void> {
    await this.run('setValidators', () => {
      this.write(() => this.sql(
        `INSERT INTO validators (url, etag, last_modified) VALUES (?, ?, ?)
         ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, updated_at = ${NOW}`,
      ).run(url, validators.etag, validators.lastModified));
    });
  }

  async acceptUrls(entries: readonly OutboxInput[]): Promise<void> {
    await this.run('acceptUrls', () => {
      this.write(() => {
        for (let i = 0; i < entries.length; i += ACCEPT_BATCH) {
          const { rows, values } = acceptValues(entries.slice(i, i + ACCEPT_BATCH));
          this.sql(acceptStatement(rows, 'sqlite')).run(...values);
        }
      });
    });
  }

  async settleOutbox(): Promise<number> {
    return this.run('settleOutbox', () => this.db.transaction(() => this.sql(SETTLE_OUTBOX).run().changes).immediate());
  }

  async openOutbox(acceptedBefore: string, limit: number, after?: Pick<OutboxEntry, 'acceptedAt' | 'url'>): Promise<OutboxEntry[]> {
    return this.run('openOutbox', () =>
      (this.sql(OPEN_OUTBOX('?', '?', '?', '?')).all(acceptedBefore, after?.acceptedAt ?? '', after?.url ?? '', limit) as Row[])
        .map(rowToOutboxEntry),
    );
  }

  async getOutboxEntry(url: string): Promise<OutboxEntry | null> {
    return this.run('getOutboxEntry', () => {
      const row = this.sql(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE url = ?`).get(url) as Row | undefined;
      return row === undefined ? null : rowToOutboxEntry(row);
    });
  }

  async ping(): Promise<void> {
    await this.run('ping', () => this.sql('SELECT 1').get());
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
