/**
 * bull-board at `/admin/queues`: every queue, read-only unless the operator turned its destructive
 * actions (retry, clean, remove, pause) on. The admin auth is enforced by the root hook (auth.ts),
 * like every other `/admin` path. bull-board's own routes carry no JSON schemas; they are its API,
 * not ours, and stay behind the admin credentials.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';

export const DASHBOARD_PATH = '/admin/queues';

export async function registerDashboard(app: FastifyInstance, queues: readonly Queue[], opts: { writable: boolean }): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: !opts.writable, allowRetries: opts.writable })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'newsworker' } },
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: DASHBOARD_PATH });
}
