/**
 * Saving an article on PostgreSQL in few round trips. Each round trip costs CPU on both sides of
 * the socket (on a small machine the worker, the database and the extractor share the cores), and
 * a re-fetched page whose text did not change is the common case, so that case is one statement:
 *
 * 1. `saveIfUnchanged`, on its own (autocommit): locks the stored row (`FOR UPDATE`, so it waits
 *    for a concurrent save of the same id and sees its result) and, only when the content hash is
 *    the same, upserts the raw page and records the attempt. It reads 3 short columns, never the
 *    article's text.
 * 2. Otherwise one transaction. A new id: lock its simhash bands, find the near-duplicate, then
 *    insert the article, its bands, its raw page and its attempt in one statement (`insertNew`).
 *    An existing id (or one a concurrent save inserted first): lock the whole row, archive it,
 *    update it.
 *
 * Inserts lock their simhash bands (advisory, per transaction) so two near-duplicates saved at the
 * same moment are still linked: the later one's candidate query runs after the earlier one
 * committed. The hot statements are named, so each connection parses and plans them once.
 */
import type pg from 'pg';
import type { Article } from '../article.js';
import { ARTICLE_COLUMNS, ATTEMPT_COLUMNS, articleValues, rowToArticle, type StoredRawPage } from './codec.js';
import { StoreError } from './errors.js';
import { firstNearDuplicate, simhashBands } from './simhash.js';
import type { SaveResult, SavedAttempt } from './types.js';

type Row = Record<string, unknown>;
type Client = pg.PoolClient;

export const COLUMNS = ARTICLE_COLUMNS.join(', ');
/** `$from, $from+1, ...`: `count` PostgreSQL parameters. */
export const placeholders = (count: number, from = 1): string => Array.from({ length: count }, (_, i) => `$${i + from}`).join(', ');
const ARTICLE_PARAMS = ARTICLE_COLUMNS.length;

/** Raw-page values after `from - 1` other parameters, typed (they feed an INSERT ... SELECT). */
const RAW_VALUES = (from: number): string =>
  [`$${from}::text`, `$${from + 1}::bytea`, `$${from + 2}::text`, `$${from + 3}::integer`, `$${from + 4}::json`,
    `$${from + 5}::text`, `$${from + 6}::timestamptz`].join(', ');
const RAW_UPSERT = `INSERT INTO raw_pages (article_id, url, body, encoding, byte_length, headers, fetched_at, fetched_instant)`;
/**
 * A re-fetch of a byte-identical page keeps the stored body datum: PostgreSQL then leaves its TOAST
 * chunks as they are, where writing an equal body anew costs ~17 chunk rows and their WAL (a page
 * compresses to ~34 KB). Only the fetch's url, headers and instant are replaced.
 */
const RAW_ON_CONFLICT = `ON CONFLICT (article_id) DO UPDATE SET url = excluded.url,
  body = CASE WHEN raw_pages.byte_length = excluded.byte_length AND raw_pages.encoding = excluded.encoding
    AND raw_pages.body = excluded.body THEN raw_pages.body ELSE excluded.body END,
  encoding = excluded.encoding, byte_length = excluded.byte_length, headers = excluded.headers,
  fetched_at = excluded.fetched_at, fetched_instant = excluded.fetched_instant`;

function rawParams(raw: StoredRawPage): unknown[] {
  return [raw.url, raw.body, raw.encoding, raw.byteLength, raw.headers, raw.fetchedAt, raw.fetchedInstant];
}

/** The saved attempt's values, in ATTEMPT_COLUMNS' order less status, reason and article_id (given as SQL). */
function attemptParams(attempt: SavedAttempt): unknown[] {
  return [
    attempt.url, attempt.jobId ?? null, attempt.httpStatus ?? null, attempt.attempt, attempt.timings.fetchMs ?? null,
    attempt.timings.extractMs ?? null, attempt.timings.totalMs ?? null, attempt.at,
  ];
}
const ATTEMPT_INSERT = `INSERT INTO attempts (${ATTEMPT_COLUMNS})`;
/** Attempt values after `from - 1` other parameters, for an outcome and article id given as SQL. */
const ATTEMPT_VALUES = (from: number, reason: string, articleId: string): string =>
  `$${from}::text, $${from + 1}::text, 'ok', ${reason}, $${from + 2}::integer, ${articleId}, $${from + 3}::integer,
  $${from + 4}::float8, $${from + 5}::float8, $${from + 6}::float8, $${from + 7}::text`;

/** What goes with an article into one statement: its raw page, its attempt, both or neither. */
interface Parts {
  raw: StoredRawPage | null;
  attempt: SavedAttempt | null;
}

/** A statement per combination of parts, built and named once. */
function variants(build: (withRaw: boolean, withAttempt: boolean) => string, name: string) {
  const cache = new Map<string, { name: string; text: string }>();
  return (parts: Parts) => {
    const key = `${parts.raw === null ? 0 : 1}${parts.attempt === null ? 0 : 1}`;
    let statement = cache.get(key);
    if (statement === undefined) {
      statement = { name: `${name}_${key}`, text: build(parts.raw !== null, parts.attempt !== null) };
      cache.set(key, statement);
    }
    return statement;
  };
}

function partParams(parts: Parts): unknown[] {
  return [...(parts.raw === null ? [] : rawParams(parts.raw)), ...(parts.attempt === null ? [] : attemptParams(parts.attempt))];
}

const LOCK_SHORT = 'SELECT version, content_hash, duplicate_of FROM articles WHERE id = $1 FOR UPDATE';

/** $1 id, $2 content hash, then the parts: they are written only if the stored article is unchanged. No parts: $1 only. */
const saveIfUnchanged = variants((withRaw, withAttempt) => {
  const attemptFrom = withRaw ? 10 : 3;
  const raw = withRaw ? `, raw AS (${RAW_UPSERT} SELECT $1, ${RAW_VALUES(3)} FROM stored WHERE stored.content_hash = $2 ${RAW_ON_CONFLICT})` : '';
  const attempt = withAttempt
    ? `, attempt AS (${ATTEMPT_INSERT} SELECT ${ATTEMPT_VALUES(attemptFrom, "'unchanged'", '$1')} FROM stored WHERE stored.content_hash = $2)`
    : '';
  return `WITH stored AS (${LOCK_SHORT})${raw}${attempt}
SELECT version, content_hash, duplicate_of FROM stored`;
}, 'nw_save_if_unchanged');

/** The article ($1..), its bands, then its parts; nothing when the id exists. */
const insertNew = variants((withRaw, withAttempt) => {
  const bands = `$${ARTICLE_PARAMS + 1}::int[]`;
  const rawFrom = ARTICLE_PARAMS + 2;
  const raw = withRaw ? `, raw AS (${RAW_UPSERT} SELECT inserted.id, ${RAW_VALUES(rawFrom)} FROM inserted ${RAW_ON_CONFLICT})` : '';
  const attempt = withAttempt
    ? `, attempt AS (${ATTEMPT_INSERT} SELECT ${ATTEMPT_VALUES(withRaw ? rawFrom + 7 : rawFrom, "'inserted'", 'inserted.id')} FROM inserted)`
    : '';
  return `WITH inserted AS (
  INSERT INTO articles (${COLUMNS}) VALUES (${placeholders(ARTICLE_PARAMS)}) ON CONFLICT (id) DO NOTHING RETURNING id
), bands AS (
  INSERT INTO simhash_bands (band, value, article_id)
  SELECT b.band - 1, b.value, inserted.id FROM inserted, unnest(${bands}) WITH ORDINALITY AS b (value, band)
)${raw}${attempt}
SELECT count(*)::int AS inserted FROM inserted`;
}, 'nw_insert_new');

const UPDATE_ARTICLE = `UPDATE articles SET ${ARTICLE_COLUMNS.slice(1).map((column, i) => `${column} = $${i + 1}`).join(', ')},
  updated_at = now() WHERE id = $${ARTICLE_PARAMS}`;

/** First half of the two-part advisory lock keys on simhash bands ("nw"); the second is band and value. */
const BAND_LOCK_SPACE = 0x6e77;

export interface SaveContext {
  /** Runs one statement outside any transaction (autocommit). */
  query(name: string, text: string, values: unknown[]): Promise<Row[]>;
  /** Runs `body` in one transaction. */
  transaction<T>(body: (client: Client) => Promise<T>): Promise<T>;
  nearDuplicateDistance: number;
}

export async function saveArticle(ctx: SaveContext, article: Article, parts: Parts): Promise<SaveResult> {
  const fast = saveIfUnchanged(parts);
  const bare = parts.raw === null && parts.attempt === null;
  const [seen] = await ctx.query(fast.name, fast.text, bare ? [article.id] : [article.id, article.contentHash, ...partParams(parts)]);
  if (seen !== undefined && seen.content_hash === article.contentHash) {
    return { outcome: 'unchanged', version: Number(seen.version), duplicateOf: (seen.duplicate_of as string | null) ?? null };
  }
  return ctx.transaction(async (client) => {
    let existing = seen === undefined ? undefined : await lockRow(client, article.id);
    if (existing === undefined) {
      const inserted = await insertArticle(client, article, parts, ctx.nearDuplicateDistance);
      if (inserted !== null) return inserted;
      // A concurrent save inserted this id first; ours waited for it to commit and now sees its row.
      existing = await lockRow(client, article.id);
      if (existing === undefined) {
        throw new StoreError('conflict', `article ${article.id} was inserted and deleted concurrently`, { retryable: true });
      }
    }
    return updateExisting(client, existing, article, parts);
  });
}

async function lockRow(client: Client, id: string): Promise<Row | undefined> {
  return (await client.query<Row>(`SELECT ${COLUMNS} FROM articles WHERE id = $1 FOR UPDATE`, [id])).rows[0];
}

/** The insert of a new id, or null when a concurrent save inserted it first. */
async function insertArticle(client: Client, article: Article, parts: Parts, distance: number): Promise<SaveResult | null> {
  const bands = simhashBands(article.simhash);
  await lockBands(client, bands);
  const duplicateOf = (await findNearDuplicate(client, article, bands, distance)) ?? article.duplicateOf;
  const statement = insertNew(parts);
  const { rows } = await client.query<{ inserted: number }>({
    ...statement,
    values: [...articleValues(article, 1, duplicateOf), bands, ...partParams(parts)],
  });
  return rows[0]?.inserted === 1 ? { outcome: 'inserted', version: 1, duplicateOf } : null;
}

/** The locked stored row: unchanged (its raw page refreshed), or archived and replaced by `article`. */
async function updateExisting(client: Client, existing: Row, article: Article, parts: Parts): Promise<SaveResult> {
  const version = Number(existing.version);
  const duplicateOf = (existing.duplicate_of as string | null) ?? null;
  const unchanged = existing.content_hash === article.contentHash;
  if (!unchanged) {
    await client.query('INSERT INTO article_versions (article_id, version, content_hash, article) VALUES ($1, $2, $3, $4)', [
      article.id, version, existing.content_hash, JSON.stringify(rowToArticle(existing)),
    ]);
    const [, ...rest] = articleValues(article, version + 1, duplicateOf);
    await client.query(UPDATE_ARTICLE, [...rest, article.id]);
    await client.query('DELETE FROM simhash_bands WHERE article_id = $1', [article.id]);
    await client.query(
      'INSERT INTO simhash_bands (band, value, article_id) SELECT band - 1, value, $2 FROM unnest($1::int[]) WITH ORDINALITY AS b (value, band)',
      [simhashBands(article.simhash), article.id],
    );
  }
  if (parts.raw !== null) {
    await client.query(`${RAW_UPSERT} VALUES ($1, ${RAW_VALUES(2)}) ${RAW_ON_CONFLICT}`, [article.id, ...rawParams(parts.raw)]);
  }
  const result: SaveResult = unchanged ? { outcome: 'unchanged', version, duplicateOf } : { outcome: 'updated', version: version + 1, duplicateOf };
  if (parts.attempt !== null) {
    await client.query(`${ATTEMPT_INSERT} VALUES (${ATTEMPT_VALUES(3, '$2', '$1')})`, [article.id, result.outcome, ...attemptParams(parts.attempt)]);
  }
  return result;
}

/**
 * Two near-duplicates share a band, so locking each band value (until commit) makes inserts of
 * near-duplicates take turns. Keys in ascending order, so two inserts never wait on each other in a cycle.
 */
async function lockBands(client: Client, bands: readonly number[]): Promise<void> {
  const keys = bands.map((value, band) => band * 0x10000 + value).sort((a, b) => a - b);
  await client.query({ name: 'nw_lock_bands', text: 'SELECT pg_advisory_xact_lock($1, key) FROM unnest($2::int[]) AS key', values: [BAND_LOCK_SPACE, keys] });
}

/** Candidates sharing a band, through the (band, value) primary key; the earliest stored wins. */
async function findNearDuplicate(client: Client, article: Article, bands: readonly number[], distance: number): Promise<string | null> {
  const byBand = bands.map((_, band) => `SELECT article_id FROM simhash_bands WHERE band = ${band} AND value = $${band + 1}`);
  const candidates = await client.query<{ id: string; simhash: string }>({
    name: 'nw_near_duplicates',
    text: `SELECT id, simhash FROM articles WHERE id IN (${byBand.join(' UNION ')}) AND id <> $${bands.length + 1} ORDER BY seq`,
    values: [...bands, article.id],
  });
  return firstNearDuplicate(article.simhash, candidates.rows, distance);
}
