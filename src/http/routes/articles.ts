/** `GET /api/articles`, `/api/articles/:id` (explain, formats) and `/api/articles/:id/versions`. */
import type { FastifyInstance } from 'fastify';
import { formatArticle } from '../../format/index.js';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { explainArticle } from '../explain.js';
import { articleIdParams, errorResponses } from '../schemas.js';

const isoDate = { type: 'string', minLength: 4, maxLength: 40, description: 'ISO 8601 date or date-time' } as const;

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    site: { type: 'string', minLength: 1, maxLength: 253 },
    language: { type: 'string', minLength: 2, maxLength: 35 },
    since: { ...isoDate, description: 'inclusive lower bound on publishedAt (extractedAt when unknown)' },
    until: { ...isoDate, description: 'exclusive upper bound on the same instant' },
    q: { type: 'string', minLength: 1, maxLength: 500, description: 'full-text: words, "phrases", -excluded, or' },
    cursor: { type: 'string', minLength: 1, maxLength: 500 },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    view: { type: 'string', enum: ['summary', 'full'], default: 'summary', description: 'summary: without text and html' },
  },
} as const;

type ListQuery = { site?: string; language?: string; since?: string; until?: string; q?: string; cursor?: string; limit: number; view: 'summary' | 'full' };

const CONTENT_TYPES = { text: 'text/plain; charset=utf-8', markdown: 'text/markdown; charset=utf-8', html: 'text/html; charset=utf-8' } as const;

export function articleRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get<{ Querystring: ListQuery }>('/api/articles', {
    schema: {
      summary: 'Stored articles, newest first, filtered and paginated by cursor',
      tags: ['articles'],
      querystring: listQuery,
      response: {
        200: {
          type: 'object',
          additionalProperties: false,
          required: ['items', 'nextCursor'],
          properties: { items: { type: 'array', items: { $ref: 'ArticleListItem#' } }, nextCursor: { type: ['string', 'null'] } },
        },
        ...errorResponses,
      },
    },
    handler: async (req) => {
      const { view, ...query } = req.query;
      const page = await deps.store.listArticles(query);
      if (view === 'full') return page;
      return { items: page.items.map(({ text: _text, html: _html, ...summary }) => summary), nextCursor: page.nextCursor };
    },
  });

  app.get<{ Params: { id: string }; Querystring: { explain?: '0' | '1' | 'true' | 'false'; format?: 'json' | 'text' | 'markdown' | 'html' } }>('/api/articles/:id', {
    schema: {
      summary: 'One article; `explain=1` adds the removed blocks, `format` picks text, markdown or html',
      tags: ['articles'],
      params: articleIdParams,
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { explain: { type: 'string', enum: ['0', '1', 'true', 'false'] }, format: { type: 'string', enum: ['json', 'text', 'markdown', 'html'] } },
      },
      response: {
        200: {
          description: 'The article as JSON, or as text/markdown/html with `format`',
          content: {
            'application/json': { schema: { $ref: 'Article#' } },
            'text/plain': { schema: { type: 'string' } },
            'text/markdown': { schema: { type: 'string' } },
            'text/html': { schema: { type: 'string' } },
          },
        },
        404: { $ref: 'Error#' },
        ...errorResponses,
      },
    },
    handler: async (req, reply) => {
      const stored = await deps.store.getArticle(req.params.id);
      if (stored === null) throw new HttpError(404, 'not_found', `no article ${req.params.id}`);
      let article = stored;
      if (req.query.explain === '1' || req.query.explain === 'true') {
        const explained = await explainArticle(deps.store, stored);
        if (explained === null) throw new HttpError(404, 'raw_page_not_found', `the page of ${stored.id} was not kept, so it cannot be explained`);
        article = { ...stored, removed: explained.reextracted?.removed ?? [] };
      }
      const format = req.query.format ?? 'json';
      if (format === 'json') return reply.type('application/json; charset=utf-8').send(article);
      return reply.type(CONTENT_TYPES[format]).send(formatArticle(article, format));
    },
  });

  app.get<{ Params: { id: string } }>('/api/articles/:id/versions', {
    schema: {
      summary: 'Every stored version of an article, oldest first',
      tags: ['articles'],
      params: articleIdParams,
      response: {
        200: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'versions'],
          properties: {
            id: { type: 'string' },
            versions: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['version', 'contentHash', 'article'],
                properties: { version: { type: 'integer' }, contentHash: { type: 'string' }, article: { $ref: 'Article#' } },
              },
            },
          },
        },
        404: { $ref: 'Error#' },
        ...errorResponses,
      },
    },
    handler: async (req) => {
      const versions = await deps.store.listVersions(req.params.id);
      if (versions.length === 0) throw new HttpError(404, 'not_found', `no article ${req.params.id}`);
      return { id: req.params.id, versions };
    },
  });
}
