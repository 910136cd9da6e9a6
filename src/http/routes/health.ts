/** `/healthz` (the process answers), `/readyz` (Redis and the database answer) and `/metrics`. */
import type { FastifyInstance } from 'fastify';
import type { AppDeps, ApiLimits } from '../deps.js';
import { withTimeout } from '../with-timeout.js';

const checksSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['redis', 'database'],
  properties: { redis: { type: 'string' }, database: { type: 'string' } },
} as const;

type Check = 'ok' | string;

async function check(probe: () => Promise<unknown>, ms: number): Promise<Check> {
  try {
    await withTimeout(probe(), ms);
    return 'ok';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export function healthRoutes(app: FastifyInstance, deps: AppDeps, limits: ApiLimits): void {
  app.get('/healthz', {
    schema: {
      summary: 'The process is up',
      tags: ['health'],
      response: { 200: { type: 'object', additionalProperties: false, properties: { status: { type: 'string' } } } },
    },
    config: { rateLimit: false },
    handler: async () => ({ status: 'ok' }),
  });

  app.get('/readyz', {
    schema: {
      summary: 'Redis and the database answer (each within the readiness timeout)',
      tags: ['health'],
      response: {
        200: { type: 'object', additionalProperties: false, properties: { status: { type: 'string' }, checks: checksSchema } },
        503: {
          type: 'object',
          additionalProperties: false,
          required: ['error', 'message'],
          properties: { error: { type: 'string' }, message: { type: 'string' }, checks: checksSchema },
        },
      },
    },
    handler: async (req, reply) => {
      const [redis, database] = await Promise.all([
        check(() => deps.redis.ping(), limits.readinessTimeoutMs),
        check(() => deps.store.ping(), limits.readinessTimeoutMs),
      ]);
      const checks = { redis, database };
      const failing = Object.entries(checks).filter(([, v]) => v !== 'ok').map(([k]) => k);
      if (failing.length === 0) return { status: 'ok', checks };
      req.log.warn({ checks }, 'not ready');
      return reply.code(503).send({ error: 'not_ready', message: `${failing.join(' and ')} not answering`, checks });
    },
  });

  app.get('/metrics', {
    schema: { summary: 'Prometheus metrics', tags: ['health'], response: { 200: { type: 'string' } } },
    handler: async (_req, reply) => {
      const body = await deps.metrics.registry.metrics();
      return reply.type(deps.metrics.registry.contentType).send(body);
    },
  });
}
