/**
 * Fetching a source and listing what it links: a feed, or a sitemap (an index followed to a
 * bounded depth, children not modified since the last poll skipped). Every request goes through the
 * polite, SSRF-safe fetcher with conditional GET. Validators are returned, not stored, so the
 * caller keeps them only once the poll has succeeded: a poll that fails halfway is retried whole.
 */
import type { Fetcher, FetchedPage } from '../fetch/index.js';
import { maxAgeSeconds } from './cadence.js';
import { SourceError } from './errors.js';
import { parseFeedDocument } from './feed.js';
import { DocumentStream, GzipInflater } from './document-stream.js';
import { isSitemapRoot, rootElementName, SitemapReader, type SitemapEnd, type SitemapEntry } from './sitemap.js';
import type { SourceConfig } from './config.js';
import type { SourceStateStore, Validators } from './state.js';
import { MAX_DOCUMENT_BYTES, openDocument, type SourceDocument } from './xml-text.js';

/** Index → index → urlset is as deep as real sites go. */
export const MAX_SITEMAP_DEPTH = 3;
/** Child sitemaps fetched in one poll; the rest wait (unchanged ones are skipped by lastmod first). */
export const MAX_SITEMAPS_PER_POLL = 100;

export const SOURCE_TYPES = [
  'application/rss+xml', 'application/atom+xml', 'application/rdf+xml', 'application/feed+json',
  'application/json', 'application/xml', 'text/xml', 'application/x-gzip', 'application/gzip',
  'application/octet-stream', 'text/plain', 'text/html',
] as const;

export interface Candidate {
  url: string;
  title: string | null;
  publishedAt: string | null;
  language: string | null;
  lastmod: string | null;
}

export interface Collected {
  status: 'ok' | 'not_modified';
  kind: 'feed' | 'sitemap' | null;
  /** The items listed, unless they were handed to `onCandidates` as they were read. */
  candidates: Candidate[];
  /** Sitemap entries left out because their lastmod is not after the last successful poll. */
  unchanged: number;
  documents: number;
  truncated: boolean;
  ttlMinutes: number | null;
  maxAgeSeconds: number | null;
  skipHours?: number[];
  skipDays?: string[];
  validators: Array<[string, Validators]>;
}

export interface CollectDeps {
  fetcher: Fetcher;
  /** Validators of each document from the last poll (none for a one-off discovery). */
  state: Pick<SourceStateStore, 'getValidators'>;
  /** Byte cap of a feed (a sitemap's is 50 MB). */
  feedMaxBytes: number;
  /** Per-host pacing: resolves when the host may be requested. */
  waitForHost?: (url: string, signal?: AbortSignal) => Promise<void>;
}

/** Takes listed items batch by batch (a sitemap's per network chunk as it arrives); awaited before reading on. */
export type CandidateSink = (batch: Candidate[]) => Promise<void>;

interface Ctx {
  source: SourceConfig;
  sink: CandidateSink;
  deps: CollectDeps;
  /** Start of the last successful poll: sitemap entries not modified since are skipped. */
  since: string | null;
  signal?: AbortSignal;
  out: Collected;
  visited: Set<string>;
  sitemapsFetched: number;
}

type Kind = 'feed' | 'sitemap';
type ReadDocument = { notModified: false; page: FetchedPage } & ({ kind: 'feed'; doc: SourceDocument } | { kind: 'sitemap'; sitemap: SitemapEnd });
type Fetched = { notModified: true; page: FetchedPage } | ReadDocument;

const notModifiedSince = (lastmod: string | null, since: string | null): boolean => lastmod !== null && since !== null && lastmod <= since;
const kindOf = (head: string): Kind => (isSitemapRoot(rootElementName(head)) ? 'sitemap' : 'feed');

/**
 * Sitemap entries are handed on at least this many at a time: a network chunk (~64 KB) completes
 * ~150 entries, and each hand-over costs a seen-set and a store query.
 */
const SINK_BATCH = 1000;

/** Hands sitemap entries on, less those not modified since the last poll. */
async function sinkEntries(ctx: Ctx, entries: SitemapEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const changed = ctx.since === null ? entries : entries.filter((e) => !notModifiedSince(e.lastmod, ctx.since));
  ctx.out.unchanged += entries.length - changed.length;
  if (changed.length > 0) await ctx.sink(changed);
}

/**
 * One document as its bytes arrive (inflated first, if gzip data). A sitemap is parsed as it comes
 * and the entries each network chunk completes go to the sink (awaited, so the fetch waits for the
 * sink); a feed is kept and read whole at the end, as before.
 */
class DocumentReading {
  readonly #ctx: Ctx;
  readonly #url: string;
  readonly #inflater = new GzipInflater();
  readonly #stream: DocumentStream;
  #sitemap: SitemapReader | null = null;
  #keepsFeed = false;
  /** Entries parsed but not yet handed on. */
  #pending: SitemapEntry[] = [];

  /** `expected` is the kind the caller knows the document to be; null tells it by its root element. */
  constructor(ctx: Ctx, url: string, response: Pick<FetchedPage, 'url' | 'headers'>, expected: Kind | null) {
    this.#ctx = ctx;
    this.#url = url;
    this.#stream = new DocumentStream(response.headers['content-type'], (head) => {
      if ((expected ?? kindOf(head)) === 'feed') {
        this.#keepsFeed = true;
        return 'bytes';
      }
      this.#sitemap = new SitemapReader(response.url);
      return 'text';
    });
  }

  async write(chunk: Buffer): Promise<void> {
    for (const e of this.#take(await this.#inflater.write(chunk))) this.#pending.push(e);
    if (this.#pending.length < SINK_BATCH) return;
    const batch = this.#pending;
    this.#pending = [];
    await sinkEntries(this.#ctx, batch);
  }

  /** Frees what reading holds when the body will not be read to its end. */
  close(): void {
    this.#inflater.close();
  }

  async end(page: FetchedPage): Promise<ReadDocument> {
    const entries = this.#pending;
    this.#pending = [];
    for (const e of this.#take(await this.#inflater.end())) entries.push(e);
    const { text, kept } = this.#stream.end();
    // A feed shorter than the prolog is routed only by end(), so #take never saw it as a feed.
    this.#refuseOversizedFeed(true);
    if (kept !== null) return { notModified: false, page, kind: 'feed', doc: openDocument(kept, page.headers['content-type']) };
    // Not kept, so routed to text: the sitemap reader exists.
    const sitemap = this.#sitemap!;
    for (const e of sitemap.write(text)) entries.push(e);
    for (const e of sitemap.end()) entries.push(e);
    await sinkEntries(this.#ctx, entries);
    return { notModified: false, page, kind: 'sitemap', sitemap: sitemap.result() };
  }

  /** Passes document bytes on; returns the sitemap entries they complete. */
  #take(pieces: Buffer[]): SitemapEntry[] {
    const entries: SitemapEntry[] = [];
    for (const bytes of pieces) {
      const text = this.#stream.write(bytes);
      this.#refuseOversizedFeed(false);
      if (this.#sitemap !== null && text !== '') for (const e of this.#sitemap.write(text)) entries.push(e);
    }
    return entries;
  }

  /** A feed (kept whole to be parsed) is refused once past feedMaxBytes; `ended`: its whole body is in. */
  #refuseOversizedFeed(ended: boolean): void {
    const { feedMaxBytes } = this.#ctx.deps;
    const bytes = this.#stream.byteLength;
    if (!this.#keepsFeed || bytes <= feedMaxBytes) return;
    throw new SourceError('too_large', `${this.#url}: feed of ${ended ? '' : 'at least '}${bytes} bytes exceeds ${feedMaxBytes}`);
  }
}

async function fetchDocument(ctx: Ctx, url: string, expected: Kind | null): Promise<Fetched> {
  const { deps, source } = ctx;
  const validators = await deps.state.getValidators(source.id, url);
  await deps.waitForHost?.(url, ctx.signal);
  // Made at the first chunk, which comes with the final URL and Content-Type; or at the end, for an empty body.
  let reading = null as DocumentReading | null;
  let page: FetchedPage;
  try {
    page = await deps.fetcher.fetchPage(url, {
      acceptTypes: SOURCE_TYPES,
      maxBytes: MAX_DOCUMENT_BYTES,
      etag: validators?.etag,
      lastModified: validators?.lastModified,
      signal: ctx.signal,
      onChunk: (chunk, response) => (reading ??= new DocumentReading(ctx, url, response, expected)).write(chunk),
    });
  } catch (err) {
    reading?.close();
    throw err;
  }
  ctx.out.documents += 1;
  if (page.notModified) return { notModified: true, page };
  return (reading ?? new DocumentReading(ctx, url, page, expected)).end(page);
}

function remember(ctx: Ctx, url: string, page: FetchedPage): void {
  if (page.etag !== null || page.lastModified !== null) ctx.out.validators.push([url, { etag: page.etag, lastModified: page.lastModified }]);
}

async function collectDocument(ctx: Ctx, url: string, got: ReadDocument, ancestors: readonly string[]): Promise<void> {
  if (got.kind === 'feed') await collectFeed(ctx, url, got);
  else await collectSitemap(ctx, url, got, ancestors);
}

async function collectFeed(ctx: Ctx, url: string, got: Extract<ReadDocument, { kind: 'feed' }>): Promise<void> {
  const feed = parseFeedDocument(got.doc.text(), got.page.url);
  ctx.out.kind = 'feed';
  await ctx.sink(feed.items.map((i) => ({ ...i, lastmod: null })));
  ctx.out.ttlMinutes = feed.ttlMinutes;
  ctx.out.skipHours = feed.skipHours;
  ctx.out.skipDays = feed.skipDays;
  remember(ctx, url, got.page);
}

/** A sitemap read to its end (its entries already handed on): validators kept, or an index's children followed. */
async function collectSitemap(ctx: Ctx, url: string, got: Extract<ReadDocument, { kind: 'sitemap' }>, ancestors: readonly string[]): Promise<void> {
  ctx.out.kind = 'sitemap';
  const { sitemap } = got;
  ctx.out.truncated ||= sitemap.truncated;
  if (sitemap.kind === 'urlset') {
    remember(ctx, url, got.page);
    return;
  }
  // An index is not kept behind validators: it rarely changes while its children do.
  const chain = [...ancestors, url];
  for (const child of sitemap.sitemaps) {
    if (chain.includes(child.url)) {
      throw new SourceError('sitemap_loop', `sitemap index loops: ${url} lists ${child.url}, which leads back to it (${chain.join(' → ')})`);
    }
    if (chain.length >= MAX_SITEMAP_DEPTH) {
      throw new SourceError('sitemap_too_deep', `sitemap indexes nested deeper than ${MAX_SITEMAP_DEPTH} levels at ${child.url} (${chain.join(' → ')})`);
    }
    if (ctx.visited.has(child.url) || notModifiedSince(child.lastmod, ctx.since)) continue;
    if (ctx.sitemapsFetched >= MAX_SITEMAPS_PER_POLL) {
      ctx.out.truncated = true;
      break;
    }
    ctx.visited.add(child.url);
    ctx.sitemapsFetched += 1;
    const childDoc = await fetchDocument(ctx, child.url, 'sitemap');
    if (!childDoc.notModified) await collectDocument(ctx, child.url, childDoc, chain);
  }
}

/**
 * Fetches a source and everything it leads to in this poll; throws typed errors (SourceError,
 * FetchError). With `onCandidates`, the listed items are handed over as they are read instead of
 * gathered in `candidates`; a source that fails halfway may have handed over some already.
 */
export async function collectSource(
  source: SourceConfig,
  deps: CollectDeps,
  opts: { since: string | null; signal?: AbortSignal; onCandidates?: CandidateSink },
): Promise<Collected> {
  const out: Collected = {
    status: 'ok', kind: source.kind ?? null, candidates: [], unchanged: 0, documents: 0, truncated: false,
    ttlMinutes: null, maxAgeSeconds: null, validators: [],
  };
  const sink =
    opts.onCandidates ??
    (async (batch: Candidate[]) => {
      for (const c of batch) out.candidates.push(c);
    });
  const ctx: Ctx = { source, sink, deps, since: opts.since, signal: opts.signal, out, visited: new Set([source.url]), sitemapsFetched: 0 };
  const got = await fetchDocument(ctx, source.url, source.kind ?? null);
  out.maxAgeSeconds = maxAgeSeconds(got.page.headers['cache-control']);
  if (got.notModified) return { ...out, status: 'not_modified' };
  await collectDocument(ctx, source.url, got, []);
  return out;
}
