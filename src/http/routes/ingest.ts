/** `POST /api/ingest` and `GET /api/jobs/:id`: putting URLs on the ingest queue and following them. */
import type { FastifyInstance } from 'fastify';
import { enqueueUrls } from '../../../jobs/enqueue.js';
import type { AppDeps, ApiLimits } from '../deps.js';
import { HttpError } from '../errors.js';
import { errorResponses } from '../schemas.js';

const ingestBody = {
  type: 'object',
  additionalProperties: false,
  required: ['urls'],
  properties: {
    // No maxItems: too many URLs is a 413 with its own message, not a schema error.
    urls: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1, maxLength: 4096 } },
  },
} as const;

const outcomeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url', 'accepted'],
  properties: {
    url: { type: 'string' },
    accepted: { type: 'boolean' },
    normalizedUrl: { type: 'string' },
    jobId: { type: 'string' },
    reason: { type: 'string' },
    message: { type: 'string' },
  },
} as const;

const jobSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'state', 'url', 'attempts'],
  properties: {
    id: { type: 'string' },
    state: { type: 'string' },
    url: { type: 'string' },
    origin: { type: 'string' },
    attempts: { type: 'integer' },
    maxAttempts: { type: 'integer' },
    failureReason: { type: ['string', 'null'] },
    failureMessage: { type: ['string', 'null'] },
    articleId: { type: ['string', 'null'] },
    result: { type: ['string', 'null'] },
    enqueuedAt: { type: ['string', 'null'] },
    finishedAt: { type: ['string', 'null'] },
  },
} as const;

export function ingestRoutes(app: FastifyInstance, deps: AppDeps, limits: ApiLimits): void {
  app.post<{ Body: { urls: string[] } }>('/api/ingest', {
    schema: {
      summary: 'Queue URLs for ingestion',
      description: `202 with a job id per accepted URL and a reason per refused one. At most ${limits.maxIngestUrls} URLs.`,
      tags: ['ingest'],
      security: [{ bearer: [] }, { basic: [] }],
      body: ingestBody,
      response: {
        202: {
          type: 'object',
          additionalProperties: false,
          required: ['accepted', 'rejected', 'results'],
          properties: { accepted: { type: 'integer' }, rejected: { type: 'integer' }, results: { type: 'array', items: outcomeSchema } },
        },
        413: { $ref: 'Error#' },
        ...errorResponses,
      },
    },
    handler: async (req, reply) => {
      const { urls } = req.body;
      if (urls.length > limits.maxIngestUrls) {
        throw new HttpError(413, 'too_many_urls', `${urls.length} URLs in one request; at most ${limits.maxIngestUrls}`);
      }
      const results = await enqueueUrls(deps.ingestQueue, urls.map((url) => ({ url })), { allow: deps.allow, origin: 'api', outbox: deps.store });
      const accepted = results.filter((r) => r.accepted).length;
      req.log.info({ accepted, rejected: results.length - accepted }, 'ingest request');
      return reply.code(202).send({ accepted, rejected: results.length - accepted, results });
    },
  });

  app.get<{ Params: { id: string } }>('/api/jobs/:id', {
    schema: {
      summary: 'The state of one ingest job',
      tags: ['ingest'],
      params: {
        type: 'object',
        additionalProperties: false,
        required: ['id'],
        properties: { id: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.-]+$' } },
      },
      response: { 200: jobSchema, 404: { $ref: 'Error#' }, ...errorResponses },
    },
    handler: async (req) => {
      // State first, then the job: a job read while active and finished before its state is read
      // would show as completed without its result.
      const state = await deps.ingestQueue.getJobState(req.params.id);
      const job = await deps.ingestQueue.getJob(req.params.id);
      if (!job || state === 'unknown') throw new HttpError(404, 'not_found', `no job ${req.params.id} (finished jobs are kept for a day)`);
      const last = await deps.store.lastOutcome(job.data.url);
      const result = job.returnvalue ?? null;
      const failed = state === 'failed' || (last !== null && (last.status === 'failed' || last.status === 'retrying'));
      return {
        id: job.id ?? req.params.id,
        state,
        url: job.data.url,
        origin: job.data.origin,
        attempts: job.attemptsMade,
        maxAttempts: job.opts.attempts ?? 1,
        failureReason: failed ? (last?.reason ?? reasonOf(job.failedReason)) : null,
        failureMessage: failed ? (job.failedReason ?? null) : null,
        articleId: result !== null && 'articleId' in result ? result.articleId : null,
        result: result?.status ?? null,
        enqueuedAt: job.data.enqueuedAt ?? null,
        finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
      };
    },
  });
}

/** BullMQ keeps only the message; permanent failures carry their reason as `reason: message`. */
function reasonOf(failedReason: string | undefined): string | null {
  if (!failedReason) return null;
  const m = /^([a-z0-9_]+): /.exec(failedReason);
  return m ? m[1]! : null;
}
