/**
 * Article storage. `openStore(DATABASE_URL)` picks the backend:
 *
 * - unset or empty: SQLite at ./data/newsworker.db (the directory is created);
 * - a file path, `file:` URL or `sqlite:` URL (`sqlite:///abs/path.db`, `sqlite:relative.db`,
 *   `sqlite::memory:`): SQLite;
 * - `postgres://` or `postgresql://`: PostgreSQL;
 * - anything else: ConfigError naming DATABASE_URL and the accepted forms.
 *
 * Both backends hold the same logical schema (./migrations.ts) and behave the same through `Store`.
 */
import { ConfigError } from '../errors.js';
import { parseDatabaseUrl } from './database-url.js';
import { openPostgresStore } from './postgres-store.js';
import { MAX_NEAR_DUPLICATE_DISTANCE } from './simhash.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store, StoreOptions } from './types.js';

export async function openStore(databaseUrl: string | undefined, options: StoreOptions = {}): Promise<Store> {
  const distance = options.nearDuplicateDistance;
  if (distance !== undefined && !(Number.isInteger(distance) && distance >= 0 && distance <= MAX_NEAR_DUPLICATE_DISTANCE)) {
    // Beyond 3 the 4-band index can miss a near-duplicate (see ./simhash.ts).
    throw new ConfigError(`nearDuplicateDistance must be an integer from 0 to ${MAX_NEAR_DUPLICATE_DISTANCE}, got ${distance}`);
  }
  const target = parseDatabaseUrl(databaseUrl);
  return target.backend === 'sqlite'
    ? openSqliteStore(target.path, options)
    : openPostgresStore(target.connectionString, options);
}

export { DEFAULT_SQLITE_PATH, parseDatabaseUrl, type DatabaseTarget } from './database-url.js';
export { StoreError } from './errors.js';
export { hammingDistance } from './simhash.js';
export type * from './types.js';
