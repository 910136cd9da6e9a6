/**
 * Test support for the HTTP suites: the app built against a real Redis (a queue prefix of its own)
 * and a real database (a temp SQLite file or a fresh PostgreSQL schema), torn down afterwards.
 */
import type { FastifyInstance } from 'fastify';
import type { Settings } from '../../src/config/settings.js';
import { parseAllowList } from '../../src/fetch/index.js';
import { buildApp } from '../../src/http/app.js';
import type { Credentials } from '../../src/http/auth.js';
import type { AppDeps } from '../../src/http/deps.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { openStore, type Store } from '../../src/store/index.js';
import {
  createTestDatabase, openTestQueue, silentLogger, testSettings, type Backend, type TestQueue,
} from '../helpers/worker-harness.js';

export const TOKEN = 'test-token-0123456789abcdef';
export const ADMIN = { user: 'editor', password: 'correct horse battery' };
export const CREDENTIALS: Credentials = { apiToken: TOKEN, adminUser: ADMIN.user, adminPassword: ADMIN.password };

export const bearer = (token = TOKEN) => ({ authorization: `Bearer ${token}` });
export const basic = (user = ADMIN.user, password = ADMIN.password) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  queue: TestQueue;
  metrics: Metrics;
  settings: Settings;
  databaseUrl: string;
  close(): Promise<void>;
}

export async function openTestApp(
  backend: Backend,
  overrides: Partial<AppDeps> = {},
  settingsOverrides: Partial<Settings> = {},
): Promise<TestApp> {
  const settings = testSettings(settingsOverrides);
  const db = await createTestDatabase(backend);
  const store = await openStore(db.url);
  const queue = await openTestQueue(settings);
  const metrics = createMetrics({ defaultMetrics: false });
  metrics.watchQueues([queue.queue]);
  metrics.watchStore(() => store.countArticles());
  const app = await buildApp({
    logger: silentLogger,
    store,
    ingestQueue: queue.queue,
    redis: queue.redis,
    metrics,
    credentials: CREDENTIALS,
    allow: parseAllowList(settings.allowCidrs),
    ...overrides,
  });
  await app.ready();
  return {
    app,
    store,
    queue,
    metrics,
    settings,
    databaseUrl: db.url,
    async close() {
      await app.close();
      await queue.cleanup();
      await store.close();
      await db.cleanup();
    },
  };
}
