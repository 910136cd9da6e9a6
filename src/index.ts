/**
 * The library surface of newsworker: `extractArticle` and the types it returns. Everything else
 * (fetching, queues, storage, the HTTP API) is the service built around it.
 */
export { extractArticle, type ExtractOptions } from './pipeline/index.js';
export type { Article, ArticleImage, Removal } from './article.js';
export { NewsworkerError, InputError, ConfigError } from './errors.js';
export { loadSiteRules, type LoadedSiteRule } from './rules/load.js';
export type { SiteRule } from './rules/schema.js';
