/**
 * Scheduled ingestion's sources: the sources file, parsing of feeds and sitemaps, per-source
 * state in Redis, and one poll of one source (fetch → list → keep the new → queue for ingest).
 */
export { DEFAULT_SCHEDULE, describeSchedule, loadSources, parseSources, scheduleIntervalMs, sourcesFilePath, sourceSchema, type Schedule, type SourceConfig, type SourceInput, type SourcesFile } from './config.js';
export { SourceError, type SourceFailureReason } from './errors.js';
export { parseFeedDocument, type ListedItem, type ParsedFeed } from './feed.js';
export { MAX_SITEMAP_URLS, parseSitemapDocument, readSitemap, rootElementName, type ParsedSitemap, type SitemapEnd, type SitemapEntry } from './sitemap.js';
export { collectSource, MAX_SITEMAP_DEPTH, SOURCE_TYPES, type Candidate, type CandidateSink, type Collected } from './collect.js';
export { cadenceAfterPoll, deferral, MAX_BACKOFF, maxAgeSeconds } from './cadence.js';
export { SourceStateStore, type SourceState, type Validators } from './state.js';
export { newestFirst, pollSource, type PollDeps, type PollReport } from './poll.js';
export { discoverSources, feedLinksInHtml, sitemapsInRobots, sourceEntryYaml, type DiscoveredSource } from './discover-feeds.js';
export { documentText, gunzipCapped, MAX_DOCUMENT_BYTES, openDocument, type SourceDocument } from './xml-text.js';
