/**
 * The article inspector under `/admin/articles`: recent articles with search, and for one article
 * its clean text beside the original page's text with every removed block highlighted in place and
 * labelled with its rule. Behind the admin credentials (auth.ts), like all of `/admin`.
 */
import type { FastifyInstance } from 'fastify';
import { decodeInput } from '../../pipeline/decode.js';
import type { AppDeps } from '../deps.js';
import { explainArticle } from '../explain.js';
import { articleIdParams } from '../schemas.js';
import { htmlPageText, locateRemovals, plainPageText, segments, type Segment, type Highlighting } from './highlight.js';
import { renderArticle, renderList, renderNotFound } from './render.js';

const HTML = 'text/html; charset=utf-8';
const PAGE_SIZE = 50;

type ListQuery = { q?: string; site?: string; cursor?: string };

export function inspectorRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get<{ Querystring: ListQuery }>('/admin/articles', {
    schema: {
      summary: 'Inspector: recent articles, with search',
      tags: ['admin'],
      security: [{ basic: [] }, { bearer: [] }],
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          // A search form submits empty fields; they mean "no filter".
          q: { type: 'string', maxLength: 500 },
          site: { type: 'string', maxLength: 253 },
          cursor: { type: 'string', maxLength: 500 },
        },
      },
      response: { 200: { type: 'string' } },
    },
    handler: async (req, reply) => {
      const q = req.query.q?.trim() ?? '';
      const site = req.query.site?.trim() ?? '';
      const page = await deps.store.listArticles({
        limit: PAGE_SIZE,
        ...(q ? { q } : {}),
        ...(site ? { site } : {}),
        ...(req.query.cursor ? { cursor: req.query.cursor } : {}),
      });
      const query = (cursor: string) => `/admin/articles?${new URLSearchParams({ ...(q ? { q } : {}), ...(site ? { site } : {}), cursor })}`;
      return reply.type(HTML).send(renderList({ ...page, q, site, query }));
    },
  });

  app.get<{ Params: { id: string } }>('/admin/articles/:id', {
    schema: {
      summary: 'Inspector: one article, clean text beside the original with removals highlighted',
      tags: ['admin'],
      security: [{ basic: [] }, { bearer: [] }],
      params: articleIdParams,
      response: { 200: { type: 'string' }, 404: { type: 'string' } },
    },
    handler: async (req, reply) => {
      const article = await deps.store.getArticle(req.params.id);
      if (article === null) return reply.code(404).type(HTML).send(renderNotFound(req.params.id));
      const notices: string[] = [];
      let pageText: string | null = null;
      let highlighting: Highlighting | null = null;
      let parts: Segment[] = [];
      const explained = await explainArticle(deps.store, article);
      if (explained === null) {
        notices.push('The fetched page was not kept for this article, so its removals cannot be shown.');
      } else {
        const decoded = decodeInput(explained.raw.body, { contentType: explained.raw.headers['content-type'] });
        pageText = decoded.kind === 'html' ? htmlPageText(decoded.text) : plainPageText(decoded.text);
        highlighting = locateRemovals(pageText, explained.reextracted?.removed ?? []);
        parts = segments(pageText, highlighting.located);
        if (explained.reextracted === null) notices.push('The current rules find no article in the stored page.');
        else if (explained.reextracted.contentHash !== article.contentHash) {
          notices.push(`The current rules (${explained.reextracted.extractor}) give a different text than the stored one (${article.extractor}); removals shown are the current rules'.`);
        }
      }
      return reply.type(HTML).send(renderArticle({ article, pageText, segments: parts, highlighting, notices }));
    },
  });
}
