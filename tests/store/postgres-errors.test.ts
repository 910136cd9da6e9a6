/**
 * PostgreSQL failures, provoked for real on the test server, and how the store classifies them:
 * transient ones retryable (the worker tries again), configuration ones not.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreError, openStore } from '../../src/store/index.js';
import { classifyPostgresError, toStoreError } from '../../src/store/errors.js';
import { TEST_DATABASE_URL, urlWithSchema } from './helpers.js';

const clients: pg.Client[] = [];
async function connect(url = TEST_DATABASE_URL): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  clients.push(client);
  return client;
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.end().catch(() => undefined)));
});

function withUrl(change: (url: URL) => void): string {
  const url = new URL(TEST_DATABASE_URL);
  change(url);
  return url.toString();
}

describe('opening fails with a typed error', () => {
  it.each([
    ['nothing listens on the port', withUrl((u) => { u.port = '1'; }), 'connection', true],
    ['wrong password', withUrl((u) => { u.password = 'wrong'; }), 'auth_failed', false],
    ['no such database', withUrl((u) => { u.pathname = `/missing_${randomUUID().slice(0, 8)}`; }), 'no_database', false],
  ])('%s', async (_name, url, reason, retryable) => {
    const error = await openStore(url).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ reason, retryable });
    expect((error as StoreError).message).toMatch(/^postgres open failed/);
  });
});

describe('server-side failures', () => {
  it('a backend terminated by an administrator (57P01) is retryable', async () => {
    const victim = await connect();
    const admin = await connect();
    const pid = (await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    const pending = victim.query('SELECT pg_sleep(30)').catch((err: unknown) => err);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Terminating one's own role's backends needs no superuser (same role as the victim).
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    const error = await pending;
    expect(classifyPostgresError(error)).toEqual({ reason: 'server_shutdown', retryable: true });
  });

  it('a deadlock (40P01) is retryable', async () => {
    const schema = `deadlock_${randomUUID().replace(/-/g, '')}`;
    const [a, b] = [await connect(), await connect()];
    await a.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.t (id int PRIMARY KEY); INSERT INTO ${schema}.t VALUES (1), (2)`);
    try {
      await a.query('BEGIN');
      await b.query('BEGIN');
      await a.query(`UPDATE ${schema}.t SET id = id WHERE id = 1`);
      await b.query(`UPDATE ${schema}.t SET id = id WHERE id = 2`);
      const results = await Promise.allSettled([
        a.query(`UPDATE ${schema}.t SET id = id WHERE id = 2`),
        b.query(`UPDATE ${schema}.t SET id = id WHERE id = 1`),
      ]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(failed).toBeDefined();
      const wrapped = toStoreError(failed?.reason, 'postgres', 'saveArticle');
      expect(wrapped).toMatchObject({ reason: 'deadlock', retryable: true });
      expect(wrapped.message).toMatch(/^postgres saveArticle failed \(40P01: deadlock detected/);
    } finally {
      await a.query('ROLLBACK').catch(() => undefined);
      await b.query('ROLLBACK').catch(() => undefined);
      await a.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  });

  it('a serialization failure (40001) is retryable', async () => {
    const schema = `serial_${randomUUID().replace(/-/g, '')}`;
    const [a, b] = [await connect(), await connect()];
    await a.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.t (id int PRIMARY KEY, n int); INSERT INTO ${schema}.t VALUES (1, 0)`);
    try {
      await a.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await b.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await a.query(`SELECT n FROM ${schema}.t`);
      await b.query(`SELECT n FROM ${schema}.t`);
      await a.query(`UPDATE ${schema}.t SET n = 1 WHERE id = 1`);
      const second = b.query(`UPDATE ${schema}.t SET n = 2 WHERE id = 1`).catch((err: unknown) => err);
      await a.query('COMMIT');
      expect(classifyPostgresError(await second)).toEqual({ reason: 'serialization_failure', retryable: true });
    } finally {
      await b.query('ROLLBACK').catch(() => undefined);
      await a.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  });
});

describe('a store whose connections are killed', () => {
  it('a query cut off by a terminated session fails retryably, and a retry succeeds', async () => {
    const schema = `killed_${randomUUID().replace(/-/g, '')}`;
    const name = `newsworker-kill-${randomUUID().slice(0, 8)}`;
    const admin = await connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    const url = new URL(urlWithSchema(TEST_DATABASE_URL, schema));
    url.searchParams.set('application_name', name);
    const store = await openStore(url.toString(), { poolSize: 2 });
    const locker = await connect();
    try {
      // Hold a lock so the store's query is in flight on the server when its session is killed.
      await locker.query(`BEGIN; LOCK TABLE ${schema}.articles IN ACCESS EXCLUSIVE MODE`);
      const pending = store.countArticles().catch((err: unknown) => err);
      let killed = 0;
      for (let i = 0; i < 50 && killed === 0; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const result = await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
          [name],
        );
        killed = result.rowCount ?? 0;
      }
      expect(killed).toBe(1);
      const error = await pending;
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ reason: 'server_shutdown', retryable: true });
      await locker.query('ROLLBACK');
      // The pool replaces the dead connection: retrying works.
      expect(await store.countArticles()).toBe(0);
    } finally {
      await store.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  });
});
