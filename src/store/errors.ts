/**
 * Backend errors mapped to one `StoreError` with a stable `reason`. `retryable` is true only where
 * waiting may help: a lock held too long, a full disk that may be cleaned up, a dropped or restarting
 * server, a serialization failure or deadlock (the transaction was rolled back and can run again).
 */
import { NewsworkerError } from '../errors.js';

export class StoreError extends NewsworkerError {
  constructor(reason: string, message: string, opts: { retryable?: boolean; cause?: unknown } = {}) {
    super(reason, message, opts);
    this.name = 'StoreError';
  }
}

interface Classification {
  reason: string;
  retryable: boolean;
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** better-sqlite3 throws `SqliteError` whose `code` is the extended result code name. */
const SQLITE_CODES: Array<[prefix: string, classification: Classification]> = [
  ['SQLITE_BUSY', { reason: 'busy', retryable: true }],
  ['SQLITE_LOCKED', { reason: 'busy', retryable: true }],
  ['SQLITE_FULL', { reason: 'disk_full', retryable: true }],
  ['SQLITE_CONSTRAINT', { reason: 'constraint', retryable: false }],
  ['SQLITE_READONLY', { reason: 'read_only', retryable: false }],
  ['SQLITE_CANTOPEN', { reason: 'cannot_open', retryable: false }],
  ['SQLITE_CORRUPT', { reason: 'corrupt', retryable: false }],
  ['SQLITE_NOTADB', { reason: 'corrupt', retryable: false }],
  ['SQLITE_IOERR', { reason: 'io_error', retryable: false }],
];

export function classifySqliteError(err: unknown): Classification {
  const code = errorCode(err) ?? '';
  for (const [prefix, classification] of SQLITE_CODES) {
    if (code === prefix || code.startsWith(`${prefix}_`)) return classification;
  }
  if (/database connection is not open/i.test(errorMessage(err))) return { reason: 'closed', retryable: false };
  return { reason: 'database_error', retryable: false };
}

/** SQLSTATE codes (exact) and classes (two characters) PostgreSQL reports. */
const PG_SQLSTATES: Record<string, Classification> = {
  '40001': { reason: 'serialization_failure', retryable: true },
  '40P01': { reason: 'deadlock', retryable: true },
  '57P01': { reason: 'server_shutdown', retryable: true },
  '57P02': { reason: 'server_shutdown', retryable: true },
  '57P03': { reason: 'server_starting', retryable: true },
  '57014': { reason: 'query_canceled', retryable: true },
  '55P03': { reason: 'lock_timeout', retryable: true },
  '53100': { reason: 'disk_full', retryable: true },
  '53200': { reason: 'out_of_memory', retryable: true },
  '53300': { reason: 'too_many_connections', retryable: true },
  '28P01': { reason: 'auth_failed', retryable: false },
  '28000': { reason: 'auth_failed', retryable: false },
  '3D000': { reason: 'no_database', retryable: false },
  '08': { reason: 'connection', retryable: true },
  '23': { reason: 'constraint', retryable: false },
  '42': { reason: 'sql_error', retryable: false },
};

/** Socket-level failures from node: the server is away or the network dropped the connection. */
const NODE_CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** pg reports some connection failures with a message only. */
const PG_CONNECTION_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is closed/i;

export function classifyPostgresError(err: unknown): Classification {
  const code = errorCode(err);
  if (code !== undefined) {
    const exact = PG_SQLSTATES[code];
    if (exact) return exact;
    if (NODE_CONNECTION_CODES.has(code)) return { reason: 'connection', retryable: true };
    const byClass = code.length === 5 ? PG_SQLSTATES[code.slice(0, 2)] : undefined;
    if (byClass) return byClass;
  }
  if (PG_CONNECTION_MESSAGES.test(errorMessage(err))) return { reason: 'connection', retryable: true };
  if (/pool after calling end|Cannot use a pool after/i.test(errorMessage(err))) return { reason: 'closed', retryable: false };
  return { reason: 'database_error', retryable: false };
}

/** Wraps any backend error thrown by `operation`; a StoreError passes through unchanged. */
export function toStoreError(err: unknown, backend: 'sqlite' | 'postgres', operation: string): StoreError {
  if (err instanceof StoreError) return err;
  const { reason, retryable } = backend === 'sqlite' ? classifySqliteError(err) : classifyPostgresError(err);
  const code = errorCode(err);
  const detail = code === undefined ? errorMessage(err) : `${code}: ${errorMessage(err)}`;
  return new StoreError(reason, `${backend} ${operation} failed (${detail})`, { retryable, cause: err });
}
