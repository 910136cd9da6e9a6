/**
 * `GET /api/sources` and `POST /api/sources/:id/run`, served by the scheduled-ingestion service when
 * the server is given one; without it both answer 404, so clients can tell "no sources here".
 */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { errorResponses } from '../schemas.js';

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
          properties: { items: { type: 'array', items: { type: 'object', additionalProperties: true, required: ['id'], properties: { id: { type: 'string' } } } } },
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
      summary: 'Run one source now',
      tags: ['sources'],
      security: [{ bearer: [] }, { basic: [] }],
      params: {
        type: 'object',
        additionalProperties: false,
        required: ['id'],
        properties: { id: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.-]+$' } },
      },
      response: {
        202: { type: 'object', additionalProperties: false, properties: { id: { type: 'string' }, enqueued: { type: 'integer' } } },
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
