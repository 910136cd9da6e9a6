/**
 * `GET /api/sources` and `POST /api/sources/:id/run`, served by the scheduled-ingestion service when
 * the server is given one (startApiServer gives it one); without it both answer 404.
 */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { errorResponses } from '../schemas.js';

const nullableString = { type: ['string', 'null'] } as const;

const sourceSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'url', 'enabled', 'schedule'],
  properties: {
    id: { type: 'string' },
    url: { type: 'string' },
    kind: nullableString,
    enabled: { type: 'boolean' },
    schedule: { type: 'string' },
    lastPollAt: nullableString,
    lastOutcome: nullableString,
    itemsFound: { type: 'integer' },
    nextRunAt: nullableString,
  },
} as const;

function noSources(): never {
  throw new HttpError(404, 'not_found', 'scheduled sources are not enabled on this server');
}

export function sourceRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/api/sources', {
    schema: {
      summary: 'The configured sources',
      tags: ['sources'],
      response: {
        200: {
          type: 'object',
          additionalProperties: false,
          properties: { items: { type: 'array', items: sourceSchema } },
        },
        404: { $ref: 'Error#' },
        ...errorResponses,
      },
    },
    handler: async () => {
      if (!deps.sources) noSources();
      return { items: await deps.sources.list() };
    },
  });

  app.post<{ Params: { id: string } }>('/api/sources/:id/run', {
    schema: {
      summary: 'Queue a poll of one source now (the discover worker runs it)',
      tags: ['sources'],
      security: [{ bearer: [] }, { basic: [] }],
      params: {
        type: 'object',
        additionalProperties: false,
        required: ['id'],
        properties: { id: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.-]+$' } },
      },
      response: {
        202: { type: 'object', additionalProperties: false, properties: { id: { type: 'string' }, jobId: { type: 'string' } } },
        404: { $ref: 'Error#' },
        ...errorResponses,
      },
    },
    handler: async (req, reply) => {
      if (!deps.sources) noSources();
      const run = await deps.sources.run(req.params.id);
      if (run === null) throw new HttpError(404, 'not_found', `no source ${req.params.id}`);
      return reply.code(202).send(run);
    },
  });
}
