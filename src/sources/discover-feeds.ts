/**
 * Finding the feeds of a site from its homepage: the feeds its pages declare
 * (`<link rel="alternate" type="application/rss+xml">` and kin), the sitemaps its robots.txt
 * names, and a few common paths. Each candidate is fetched and parsed, so only documents that
 * really are feeds or sitemaps are offered.
 */
import * as cheerio from 'cheerio';
import { stringify } from 'yaml';
import type { Fetcher } from '../fetch/index.js';
import { collectSource } from './collect.js';
import { DEFAULT_SCHEDULE, type SourceConfig } from './config.js';

export interface DiscoveredSource {
  url: string;
  kind: 'feed' | 'sitemap';
  /** Where it was found: a `<link>` of the page, robots.txt, or a common path. */
  via: 'link' | 'robots' | 'path';
  title: string | null;
  /** Items the document lists now. */
  items: number;
}

const FEED_TYPES = new Set(['application/rss+xml', 'application/atom+xml', 'application/rdf+xml', 'application/feed+json', 'application/json']);
const COMMON_PATHS = ['/feed', '/rss', '/rss.xml', '/feed.xml', '/atom.xml', '/index.xml', '/sitemap-news.xml', '/news-sitemap.xml'];
/** Candidates checked at most, so a page linking hundreds of feeds costs a bounded number of requests. */
const MAX_CANDIDATES = 12;

/** Feeds a page declares with `<link rel="alternate">`, absolute, in page order. */
export function feedLinksInHtml(html: string, baseUrl: string): Array<{ url: string; title: string | null }> {
  const $ = cheerio.load(html);
  const base = $('base[href]').attr('href');
  const out: Array<{ url: string; title: string | null }> = [];
  $('link[rel][href]').each((_, el) => {
    const rel = ($(el).attr('rel') ?? '').toLowerCase().split(/\s+/);
    const type = ($(el).attr('type') ?? '').toLowerCase().trim();
    if (!rel.includes('alternate') || !FEED_TYPES.has(type)) return;
    try {
      const url = new URL($(el).attr('href')!, new URL(base ?? baseUrl, baseUrl)).href;
      if (!out.some((o) => o.url === url)) out.push({ url, title: $(el).attr('title')?.trim() || null });
    } catch {
      // An unreadable href names no feed.
    }
  });
  return out;
}

/** `Sitemap:` lines of a robots.txt. */
export function sitemapsInRobots(robotsTxt: string, baseUrl: string): string[] {
  return [...robotsTxt.matchAll(/^\s*sitemap\s*:\s*(\S+)/gim)].flatMap((m) => {
    try {
      return [new URL(m[1]!, baseUrl).href];
    } catch {
      return [];
    }
  });
}

export interface DiscoverDeps {
  fetcher: Fetcher;
}

/** Discovery keeps no state: every candidate is fetched unconditionally. */
const NO_VALIDATORS = { getValidators: async () => null };

export async function discoverSources(homepage: string, deps: DiscoverDeps): Promise<DiscoveredSource[]> {
  const candidates: Array<{ url: string; via: DiscoveredSource['via']; title: string | null }> = [];
  const add = (url: string, via: DiscoveredSource['via'], title: string | null = null) => {
    if (!candidates.some((c) => c.url === url)) candidates.push({ url, via, title });
  };
  const page = await deps.fetcher.fetchPage(homepage);
  for (const link of feedLinksInHtml(page.body.toString('utf8'), page.url)) add(link.url, 'link', link.title);
  try {
    const robots = await deps.fetcher.fetchPage(new URL('/robots.txt', page.url), { acceptTypes: ['text/plain'] });
    for (const url of sitemapsInRobots(robots.body.toString('utf8'), page.url)) add(url, 'robots');
  } catch {
    // No robots.txt: nothing named there.
  }
  for (const path of COMMON_PATHS) add(new URL(path, page.url).href, 'path');

  const found: DiscoveredSource[] = [];
  for (const c of candidates.slice(0, MAX_CANDIDATES)) {
    const probe: SourceConfig = { id: 'discover', url: c.url, schedule: DEFAULT_SCHEDULE, maxItems: 1, enabled: true };
    try {
      const got = await collectSource(probe, { fetcher: deps.fetcher, state: NO_VALIDATORS, feedMaxBytes: deps.fetcher.config.maxBytes }, { since: null });
      if (got.kind !== null) found.push({ url: c.url, kind: got.kind, via: c.via, title: c.title, items: got.candidates.length });
    } catch {
      // Not a feed, not there, or refused: not offered.
    }
  }
  return found;
}

/** A ready `sources:` entry for a discovered document, as YAML. */
export function sourceEntryYaml(found: DiscoveredSource): string {
  const host = new URL(found.url).hostname.replace(/^www\./, '');
  const id = `${host}-${found.kind}`.toLowerCase().replace(/[^a-z0-9._-]/g, '-').slice(0, 64);
  const entry = { id, url: found.url, kind: found.kind, schedule: { every: found.kind === 'feed' ? '15m' : '30m' } };
  return stringify({ sources: [entry] });
}
