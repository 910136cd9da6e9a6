/**
 * Feeds (RSS 2.0, RSS 1.0/RDF, Atom, JSON Feed) to the list of article links they carry, with what
 * they say about each (title, date, language) and about themselves (ttl, skipHours, skipDays).
 * Parsing is feedsmith's, whose XML parser never expands entities.
 */
import { DetectError, parseFeed, type AnyFeed } from 'feedsmith';
import { SourceError } from './errors.js';

export interface ListedItem {
  /** Absolute URL as listed (not yet normalized). */
  url: string;
  title: string | null;
  /** ISO 8601 UTC, or null when absent or unreadable. */
  publishedAt: string | null;
  language: string | null;
}

export interface ParsedFeed {
  format: AnyFeed['format'];
  items: ListedItem[];
  /** RSS `<ttl>`: minutes the feed may be cached. */
  ttlMinutes: number | null;
  /** RSS `<skipHours>`: UTC hours (0–23) in which the feed should not be polled. */
  skipHours: number[];
  /** RSS `<skipDays>`: day names (Monday…Sunday) in which the feed should not be polled. */
  skipDays: string[];
}

/** Already in the form toISOString() gives: returned as it is. */
const CANONICAL_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
// Sitemaps repeat dates (lastmod and publication date are often equal): the last answer is kept.
let lastDateIn = '';
let lastDateOut: string | null = null;

export function toIsoDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  if (value === lastDateIn) return lastDateOut;
  const trimmed = value.trim();
  let out: string | null;
  if (trimmed === '') out = null;
  else if (CANONICAL_ISO.test(trimmed)) out = trimmed;
  else {
    const ms = Date.parse(trimmed);
    out = Number.isNaN(ms) ? null : new Date(ms).toISOString();
  }
  lastDateIn = value;
  lastDateOut = out;
  return out;
}

function absolute(link: string | undefined | null, base: string): string | null {
  if (link === undefined || link === null || link.trim() === '') return null;
  try {
    return new URL(link.trim(), base).href;
  } catch {
    return null;
  }
}

function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const t = value.replace(/\s+/g, ' ').trim();
  return t === '' ? null : t;
}

function language(value: unknown): string | null {
  const t = text(value);
  return t === null ? null : t.toLowerCase();
}

/** An Atom text construct; html and xhtml titles lose their tags (the title is only a hint). */
function atomText(t: { value?: string; type?: string } | undefined): string | undefined {
  const value = t?.value;
  return value !== undefined && (t?.type === 'html' || t?.type === 'xhtml') ? value.replace(/<[^>]*>/g, '') : value;
}

function item(url: string | null, title: unknown, date: unknown, lang: unknown): ListedItem[] {
  return url === null ? [] : [{ url, title: text(title), publishedAt: toIsoDate(date), language: language(lang) }];
}

function itemsOf(parsed: AnyFeed, base: string): ListedItem[] {
  switch (parsed.format) {
    case 'rss': {
      const feedLang = parsed.feed.language ?? parsed.feed.dc?.languages?.[0];
      return (parsed.feed.items ?? []).flatMap((i) => {
        // A guid is a link only when it says so (isPermaLink defaults to true when absent).
        const guidLink = i.guid !== undefined && i.guid.isPermaLink !== false ? i.guid.value : undefined;
        return item(absolute(i.link ?? guidLink, base), i.title ?? i.dc?.titles?.[0], i.pubDate ?? i.dc?.dates?.[0], i.dc?.languages?.[0] ?? feedLang);
      });
    }
    case 'atom':
      return (parsed.feed.entries ?? []).flatMap((e) => {
        const links = e.links ?? [];
        const link = links.find((l) => (l.rel ?? 'alternate') === 'alternate') ?? links[0];
        return item(absolute(link?.href, base), atomText(e.title), e.published ?? e.updated, link?.hreflang);
      });
    case 'rdf': {
      const feedLang = parsed.feed.dc?.languages?.[0];
      return (parsed.feed.items ?? []).flatMap((i) =>
        item(absolute(i.link, base), i.title ?? i.dc?.titles?.[0], i.dc?.dates?.[0], i.dc?.languages?.[0] ?? feedLang),
      );
    }
    case 'json':
      return (parsed.feed.items ?? []).flatMap((i) =>
        item(absolute(i.url ?? i.external_url, base), i.title, i.date_published ?? i.date_modified, i.language ?? parsed.feed.language),
      );
  }
}

/** Parses a feed document; throws SourceError (`unknown_format`, `malformed_feed`) naming the URL. */
export function parseFeedDocument(text: string, url: string): ParsedFeed {
  let parsed: AnyFeed;
  try {
    parsed = parseFeed(text);
  } catch (err) {
    if (err instanceof DetectError) throw new SourceError('unknown_format', `${url} is not an RSS, Atom, RDF or JSON feed`, { cause: err });
    throw new SourceError('malformed_feed', `${url}: malformed feed (${(err as Error).message})`, { cause: err });
  }
  const rss = parsed.format === 'rss' ? parsed.feed : null;
  const ttl = rss?.ttl;
  return {
    format: parsed.format,
    items: itemsOf(parsed, url),
    ttlMinutes: typeof ttl === 'number' && Number.isFinite(ttl) && ttl > 0 ? ttl : null,
    skipHours: (rss?.skipHours ?? []).filter((h) => Number.isInteger(h) && h >= 0 && h <= 23),
    skipDays: (rss?.skipDays ?? []).map((d) => d.trim()).filter((d) => d !== ''),
  };
}
