/**
 * Opening the SQLite file: directory created, WAL so readers never wait for the writer,
 * `synchronous=NORMAL` (in WAL mode a power cut may lose the last commits but never corrupts the
 * file), a busy timeout so writers queue for the lock, foreign keys on, then the migrations.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { toStoreError } from './errors.js';
import { MIGRATIONS } from './migrations.js';
import type { StoreOptions } from './types.js';

/** The current instant as SQLite writes it in timestamps: ISO 8601, UTC, milliseconds. */
export const SQLITE_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/** Applies the migrations not yet recorded, all in one write transaction. */
function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const apply = db.transaction(() => {
    const applied = new Set(db.prepare('SELECT id FROM schema_migrations').pluck().all() as string[]);
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.id)) continue;
      db.exec(migration.sqlite);
      db.prepare(`INSERT INTO schema_migrations (id, applied_at) VALUES (?, ${SQLITE_NOW})`).run(migration.id);
    }
  });
  apply.immediate();
}

export function openSqliteDatabase(path: string, options: StoreOptions): Database.Database {
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    const db = new Database(path, { timeout: busyTimeoutMs });
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      if (options.maxPageCount !== undefined) db.pragma(`max_page_count = ${Math.floor(options.maxPageCount)}`);
      migrate(db);
      // Without statistics SQLite's planner picked the language index over the site index for
      // site+language filters (3x the cost at 100,000 articles). SQLite recommends this pragma on
      // opening a long-lived connection; analysis_limit bounds the ANALYZE it may run.
      db.pragma('analysis_limit = 400');
      db.pragma('optimize = 0x10002');
      return db;
    } catch (err) {
      db.close();
      throw err;
    }
  } catch (err) {
    throw toStoreError(err, 'sqlite', `open ${path}`);
  }
}
