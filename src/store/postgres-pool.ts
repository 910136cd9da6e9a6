/**
 * PostgreSQL connections for the store: the pool, the migrations, and the two ways to talk to it
 * (one statement, or one transaction on one client), each turning a failure into a StoreError.
 */
import pg from 'pg';
import { toStoreError } from './errors.js';
import { MIGRATIONS } from './migrations.js';

export type Client = pg.PoolClient;

/** Serializes concurrent migrators (several workers starting at once); any fixed 64-bit key will do. */
const MIGRATION_LOCK = 4_242_031_917;

async function migrate(pool: pg.Pool): Promise<void> {
  await runTransaction(pool, 'open', async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const applied = new Set((await client.query<{ id: string }>('SELECT id FROM schema_migrations')).rows.map((row) => row.id));
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.id)) continue;
      await client.query(migration.postgres);
      await client.query('INSERT INTO schema_migrations (id) VALUES ($1)', [migration.id]);
    }
  });
}

/** A pool on `connectionString` with the schema migrated; a failure closes the pool again. */
export async function openPool(connectionString: string, size: number): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString, max: size, connectionTimeoutMillis: 10_000 });
  // An idle client losing its connection emits on the pool; without a listener that kills the process.
  // The pool drops that client, and the next query reports the failure as a retryable StoreError.
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
    return pool;
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw toStoreError(err, 'postgres', 'open');
  }
}

export async function runQuery<R extends pg.QueryResultRow>(
  pool: pg.Pool,
  operation: string,
  text: string,
  values: unknown[] = [],
  name?: string,
): Promise<R[]> {
  try {
    // A named statement is parsed and planned once per connection, then only bound and run.
    return (await pool.query<R>(name === undefined ? { text, values } : { name, text, values })).rows;
  } catch (err) {
    throw toStoreError(err, 'postgres', operation);
  }
}

/** Runs `body` between BEGIN and COMMIT on one client; rolls back on any error. */
export async function runTransaction<T>(pool: pg.Pool, operation: string, body: (client: Client) => Promise<T>): Promise<T> {
  let client: Client;
  try {
    client = await pool.connect();
  } catch (err) {
    throw toStoreError(err, 'postgres', operation);
  }
  // A client whose ROLLBACK failed is in an unknown state: release(error) destroys it.
  let broken: Error | undefined;
  // The pool listens for errors on idle clients only. A checked-out client whose backend is
  // terminated between two queries emits 'error' on itself; unheard, that kills the process.
  // Heard, the pending or next query fails (a retryable StoreError) and the client is destroyed.
  const onError = (err: Error) => {
    broken = err;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await body(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw toStoreError(err, 'postgres', operation);
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
