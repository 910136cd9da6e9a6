/** Reads DATABASE_URL into the backend to open. Pure: no file system access. */
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';

export const DEFAULT_SQLITE_PATH = './data/newsworker.db';

export type DatabaseTarget =
  | { backend: 'sqlite'; path: string }
  | { backend: 'postgres'; connectionString: string };

const EXPECTED =
  'expected a file path, a sqlite: URL (sqlite:///absolute/path.db, sqlite:relative/path.db, sqlite::memory:) ' +
  'or a postgres:// / postgresql:// URL';

/** Hides a password in a URL so the error message can be logged. */
function redact(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

function invalid(value: string, why: string): ConfigError {
  return new ConfigError(`DATABASE_URL "${redact(value)}" ${why}: ${EXPECTED}`);
}

function sqlitePath(value: string): string {
  const rest = value.slice('sqlite:'.length);
  if (rest === ':memory:') return ':memory:';
  // sqlite:///abs/path.db is the absolute form; sqlite://x has a "host", which SQLite has no use for.
  if (rest.startsWith('///')) return rest.slice(2);
  if (rest.startsWith('//')) throw invalid(value, 'names a host');
  if (rest === '') throw invalid(value, 'has no path');
  return rest;
}

export function parseDatabaseUrl(databaseUrl: string | undefined): DatabaseTarget {
  const value = databaseUrl?.trim() ?? '';
  if (value === '') return { backend: 'sqlite', path: DEFAULT_SQLITE_PATH };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  // A one-letter "scheme" is a Windows drive letter, i.e. a plain path.
  if (scheme === undefined || scheme.length === 1) return { backend: 'sqlite', path: value };
  switch (scheme) {
    case 'sqlite':
      return { backend: 'sqlite', path: sqlitePath(value) };
    case 'file':
      try {
        return { backend: 'sqlite', path: fileURLToPath(value) };
      } catch (cause) {
        throw new ConfigError(`DATABASE_URL "${value}" is not a valid file: URL: ${EXPECTED}`, { cause });
      }
    case 'postgres':
    case 'postgresql':
      if (!value.includes('://')) throw invalid(value, 'is not a URL');
      return { backend: 'postgres', connectionString: value };
    default:
      throw invalid(value, `uses the unsupported scheme "${scheme}:"`);
  }
}
