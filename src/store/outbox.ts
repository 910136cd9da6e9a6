/**
 * The outbox statements, one text for both dialects (placeholders aside): both keep the instants
 * as ISO 8601 text, so "a final attempt at or after acceptance" is a string comparison.
 */
import type { OutboxEntry, OutboxInput } from './types.js';

const FINAL = "('ok', 'not_modified', 'failed')";

/** The latest final attempt for the entry's URL since it was accepted. */
const LATEST_FINAL = `SELECT max(a.at) FROM attempts a WHERE a.url = outbox.url AND a.status IN ${FINAL} AND a.at >= outbox.accepted_at`;

export const SETTLE_OUTBOX = `UPDATE outbox SET done_at = (${LATEST_FINAL}) WHERE done_at IS NULL AND (${LATEST_FINAL}) IS NOT NULL`;

export const OUTBOX_COLUMNS = 'url, job_id, origin, accepted_at, done_at';

/** Open entries accepted before $1, after ($2, $3) in (accepted_at, url) order, at most $4. */
export const OPEN_OUTBOX = (before: string, afterAt: string, afterUrl: string, limit: string) =>
  `SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE done_at IS NULL AND accepted_at < ${before}
   AND (accepted_at, url) > (${afterAt}, ${afterUrl}) ORDER BY accepted_at, url LIMIT ${limit}`;

/** `?` or `$n` placeholders for a multi-row insert of `rows` entries. */
export function acceptStatement(rows: number, dialect: 'sqlite' | 'postgres'): string {
  const values = Array.from({ length: rows }, (_, r) =>
    `(${[1, 2, 3, 4].map((c) => (dialect === 'sqlite' ? '?' : `$${r * 4 + c}`)).join(', ')})`,
  ).join(', ');
  return `INSERT INTO outbox (url, job_id, origin, accepted_at) VALUES ${values}
    ON CONFLICT (url) DO UPDATE SET job_id = excluded.job_id, origin = excluded.origin,
      accepted_at = excluded.accepted_at, done_at = NULL`;
}

/**
 * The values of a multi-row accept, one entry per URL (the last wins): PostgreSQL refuses an
 * upsert touching one row twice.
 */
export function acceptValues(entries: readonly OutboxInput[]): { rows: number; values: string[] } {
  const byUrl = new Map(entries.map((e) => [e.url, e]));
  return { rows: byUrl.size, values: [...byUrl.values()].flatMap((e) => [e.url, e.jobId, e.origin, e.acceptedAt]) };
}

/** Entries per statement: 4 values each, well under SQLite's 32,766 and PostgreSQL's 65,535. */
export const ACCEPT_BATCH = 500;

export function rowToOutboxEntry(row: Record<string, unknown>): OutboxEntry {
  return {
    url: String(row.url),
    jobId: String(row.job_id),
    origin: String(row.origin),
    acceptedAt: String(row.accepted_at),
    doneAt: row.done_at === null || row.done_at === undefined ? null : String(row.done_at),
  };
}
