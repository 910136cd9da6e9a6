/**
 * The schema, as ordered migrations applied once each and recorded in `schema_migrations`. Both
 * dialects hold the same logical tables; a change is a new entry at the end, never an edit of an
 * applied one.
 *
 * - `articles`: the latest version of each article; JSON fields as JSON text (SQLite) or `json`
 *   (PostgreSQL, which keeps the text as given, unlike `jsonb`). `sort_at` is publishedAt ?? extractedAt
 *   normalized, the key of listing and keyset pagination.
 * - `article_versions`: earlier versions, whole, as JSON.
 * - `simhash_bands`: 4 x 16-bit bands per article, the near-duplicate index (see ./simhash.ts).
 * - `raw_pages`: the latest fetched page per article, brotli-compressed, with its headers.
 * - `attempts`: every fetch/extract attempt per URL; `validators`: ETag / Last-Modified per URL.
 * - `outbox`: URLs accepted for ingestion and whether they have reached an outcome.
 * - full text: SQLite an FTS5 external-content table kept in sync by triggers (same transaction);
 *   PostgreSQL a generated `tsvector` column with a GIN index.
 */

export interface Migration {
  id: string;
  sqlite: string;
  postgres: string;
}

const ATTEMPT_STATUSES = "('ok', 'not_modified', 'failed', 'retrying', 'delayed')";

const SQLITE_INITIAL = `
CREATE TABLE articles (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  url TEXT,
  canonical_url TEXT,
  site TEXT,
  publisher TEXT,
  title TEXT NOT NULL,
  authors TEXT NOT NULL,
  dateline TEXT,
  agency TEXT,
  published_at TEXT,
  modified_at TEXT,
  language TEXT,
  section TEXT,
  tags TEXT NOT NULL,
  text TEXT NOT NULL,
  html TEXT NOT NULL,
  images TEXT NOT NULL,
  word_count INTEGER NOT NULL,
  content_hash TEXT NOT NULL,
  simhash TEXT NOT NULL,
  duplicate_of TEXT,
  removed TEXT,
  fetched_at TEXT NOT NULL,
  extracted_at TEXT NOT NULL,
  extractor TEXT NOT NULL,
  sort_at TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX articles_url ON articles (url);
CREATE INDEX articles_sort ON articles (sort_at, id);
CREATE INDEX articles_site_sort ON articles (site, sort_at, id);
CREATE INDEX articles_language_sort ON articles (language, sort_at, id);

CREATE TABLE article_versions (
  article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  content_hash TEXT NOT NULL,
  article TEXT NOT NULL,
  archived_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (article_id, version)
);

CREATE TABLE simhash_bands (
  band INTEGER NOT NULL,
  value INTEGER NOT NULL,
  article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  PRIMARY KEY (band, value, article_id)
);
CREATE INDEX simhash_bands_article ON simhash_bands (article_id);

CREATE TABLE raw_pages (
  article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  body BLOB NOT NULL,
  encoding TEXT NOT NULL,
  byte_length INTEGER NOT NULL,
  headers TEXT NOT NULL,
  fetched_at TEXT NOT NULL,
  fetched_instant TEXT NOT NULL
);
CREATE INDEX raw_pages_fetched ON raw_pages (fetched_instant);

CREATE TABLE attempts (
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL,
  job_id TEXT,
  status TEXT NOT NULL CHECK (status IN ${ATTEMPT_STATUSES}),
  reason TEXT,
  http_status INTEGER,
  article_id TEXT,
  attempt INTEGER NOT NULL,
  fetch_ms REAL,
  extract_ms REAL,
  total_ms REAL,
  at TEXT NOT NULL
);
CREATE INDEX attempts_url ON attempts (url, id);

CREATE TABLE validators (
  url TEXT PRIMARY KEY,
  etag TEXT,
  last_modified TEXT,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE VIRTUAL TABLE articles_fts USING fts5 (
  title, text, content = 'articles', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
  INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
`;

const POSTGRES_INITIAL = `
CREATE TABLE articles (
  seq bigserial NOT NULL UNIQUE,
  id text PRIMARY KEY,
  url text,
  canonical_url text,
  site text,
  publisher text,
  title text NOT NULL,
  authors json NOT NULL,
  dateline text,
  agency text,
  published_at text,
  modified_at text,
  language text,
  section text,
  tags json NOT NULL,
  text text NOT NULL,
  html text NOT NULL,
  images json NOT NULL,
  word_count integer NOT NULL,
  content_hash text NOT NULL,
  simhash text NOT NULL,
  duplicate_of text,
  removed json,
  fetched_at text NOT NULL,
  extracted_at text NOT NULL,
  extractor text NOT NULL,
  sort_at timestamptz NOT NULL,
  version integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  search tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, title || ' ' || text)) STORED
);
CREATE INDEX articles_url ON articles (url);
CREATE INDEX articles_sort ON articles (sort_at, id);
CREATE INDEX articles_site_sort ON articles (site, sort_at, id);
CREATE INDEX articles_language_sort ON articles (language, sort_at, id);
CREATE INDEX articles_search ON articles USING gin (search);

CREATE TABLE article_versions (
  article_id text NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  version integer NOT NULL,
  content_hash text NOT NULL,
  article json NOT NULL,
  archived_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (article_id, version)
);

CREATE TABLE simhash_bands (
  band smallint NOT NULL,
  value integer NOT NULL,
  article_id text NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  PRIMARY KEY (band, value, article_id)
);
CREATE INDEX simhash_bands_article ON simhash_bands (article_id);

CREATE TABLE raw_pages (
  article_id text PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
  url text NOT NULL,
  body bytea NOT NULL,
  encoding text NOT NULL,
  byte_length integer NOT NULL,
  headers json NOT NULL,
  fetched_at text NOT NULL,
  fetched_instant timestamptz NOT NULL
);
CREATE INDEX raw_pages_fetched ON raw_pages (fetched_instant);

CREATE TABLE attempts (
  id bigserial PRIMARY KEY,
  url text NOT NULL,
  job_id text,
  status text NOT NULL CHECK (status IN ${ATTEMPT_STATUSES}),
  reason text,
  http_status integer,
  article_id text,
  attempt integer NOT NULL,
  fetch_ms double precision,
  extract_ms double precision,
  total_ms double precision,
  at text NOT NULL
);
CREATE INDEX attempts_url ON attempts (url, id);

CREATE TABLE validators (
  url text PRIMARY KEY,
  etag text,
  last_modified text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
`;

/**
 * The outbox: every URL accepted for ingestion, written before it is queued, so a queue that loses
 * its jobs (Redis restarted without persistence) loses nothing (see jobs/reconciler.ts). Instants
 * are ISO 8601 text in both dialects, comparable with `attempts.at`.
 */
const OUTBOX = (text: string) => `
CREATE TABLE outbox (
  url ${text} PRIMARY KEY,
  job_id ${text} NOT NULL,
  origin ${text} NOT NULL,
  accepted_at ${text} NOT NULL,
  done_at ${text}
);
CREATE INDEX outbox_open ON outbox (accepted_at) WHERE done_at IS NULL;
`;

/**
 * `getArticleByUrl` matches `url` OR `canonical_url`; without an index on the second, the OR turns
 * the lookup into a table scan (hours for a soak of 20,000 URLs checked one by one).
 */
const CANONICAL_URL_INDEX = `CREATE INDEX articles_canonical_url ON articles (canonical_url);`;

/**
 * The API's most common combined filter. Without this index the planner must guess between the
 * site and the language index, and with sampled statistics it guessed the language one: 3x the
 * cost per request at 100,000 articles (bench/api.ts).
 */
const SITE_LANGUAGE_INDEX = `CREATE INDEX articles_site_language_sort ON articles (site, language, sort_at, id);`;

export const MIGRATIONS: readonly Migration[] = [
  { id: '0001_initial', sqlite: SQLITE_INITIAL, postgres: POSTGRES_INITIAL },
  { id: '0002_outbox', sqlite: OUTBOX('TEXT'), postgres: OUTBOX('text') },
  { id: '0003_canonical_url_index', sqlite: CANONICAL_URL_INDEX, postgres: CANONICAL_URL_INDEX },
  { id: '0004_site_language_index', sqlite: SITE_LANGUAGE_INDEX, postgres: SITE_LANGUAGE_INDEX },
];
