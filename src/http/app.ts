/**
 * The HTTP app, built from its dependencies and not started: tests drive it with `app.inject`,
 * `startApiServer` (./server.ts) listens with it. One Fastify instance serves the JSON API
 * (`/api`), health and metrics, the OpenAPI description (`/docs`), and the admin pages (`/admin`).
 */
import { randomUUID } from 'node:crypto';
import { Ajv } from 'ajv';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { authHook } from './auth.js';
import { registerDashboard } from './dashboard.js';
import { DEFAULT_LIMITS, type AppDeps, type ApiLimits } from './deps.js';
import { HttpError, installErrorHandling } from './errors.js';
import { inspectorRoutes } from './inspector/routes.js';
import { articleRoutes } from './routes/articles.js';
import { healthRoutes } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { sourceRoutes } from './routes/sources.js';
import { articleListItemSchema, articleSchema, errorSchema } from './schemas.js';

export interface RouteEntry {
  method: string;
  url: string;
}

const routeTables = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Every route registered on the app (from the `onRoute` hook), for the auth sweep. */
export function registeredRoutes(app: FastifyInstance): readonly RouteEntry[] {
  return routeTables.get(app) ?? [];
}

const REQUEST_ID = /^[\w.:-]{1,64}$/;

/**
 * Unknown properties are refused (400), not silently dropped as Fastify's default does, so a typo
 * in a filter is not ignored. Query strings and path parameters are text, so they are coerced to
 * the declared types; JSON bodies are not, so `{"urls": [7]}` is a 400 rather than a URL "7".
 */
const validators = {
  url: new Ajv({ removeAdditional: false, coerceTypes: true, useDefaults: true, strict: false }),
  body: new Ajv({ removeAdditional: false, coerceTypes: false, useDefaults: true, strict: false }),
};

const FRAMEWORK_ERRORS: Record<string, [number, string]> = {
  FST_ERR_MAX_PARAM_LENGTH: [414, 'uri_too_long'],
  FST_ERR_BAD_URL: [400, 'bad_request'],
};

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const limits: ApiLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const app = Fastify({
    // pino's Logger and Fastify's logger type differ only in generics; the instance is the same.
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // A caller's X-Request-Id is kept (when sane) so one id follows a request across services.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Malformed paths and oversized path parameters are refused before routing; same error shape.
    frameworkErrors: (err, _req, reply) => {
      const [status, code] = FRAMEWORK_ERRORS[err.code] ?? [400, 'bad_request'];
      void (reply as FastifyReply).code(status).send({ error: code, message: err.message });
    },
    bodyLimit: limits.bodyLimit,
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.connectionTimeoutMs,
    keepAliveTimeout: 5_000,
    // The socket address is the client: X-Forwarded-For is not trusted, so it cannot dodge the rate limit.
    trustProxy: false,
  });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? validators.body : validators.url).compile(schema));
  const routes: RouteEntry[] = [];
  routeTables.set(app, routes);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url });
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addHook('onRequest', authHook(deps.credentials));
  installErrorHandling(app);
  app.addSchema(errorSchema);
  app.addSchema(articleSchema);
  app.addSchema(articleListItemSchema);

  await app.register(swagger, {
    openapi: {
      info: { title: 'newsworker', version: '0.1.0', description: 'Ingest news pages, read clean articles' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'NEWSWORKER_API_TOKEN' },
          basic: { type: 'http', scheme: 'basic', description: 'NEWSWORKER_ADMIN_USER / NEWSWORKER_ADMIN_PASSWORD' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  healthRoutes(app, deps, limits);

  await app.register(async (api) => {
    await api.register(rateLimit, {
      max: limits.rateLimitPerMinute,
      timeWindow: 60_000,
      keyGenerator: (req) => req.socket.remoteAddress ?? req.ip,
      errorResponseBuilder: (_req, ctx) => new HttpError(429, 'rate_limited', `more than ${ctx.max} requests a minute; retry in ${ctx.after}`),
    });
    ingestRoutes(api, deps, limits);
    articleRoutes(api, deps);
    sourceRoutes(api, deps);
  });

  await registerDashboard(app, deps.queues ?? [deps.ingestQueue], { writable: deps.dashboardWritable ?? false });
  inspectorRoutes(app, deps);
  return app;
}
