/**
 * Sitemaps (`urlset`, `sitemapindex`, with the news extension) read by a streaming parser: a 50,000
 * URL sitemap is one pass with no document tree. htmlparser2 in XML mode decodes only the five XML
 * entities and character references; DTDs are never read (xml-text.ts refuses declared entities).
 */
import { Parser, type Handler } from 'htmlparser2';
import { SourceError } from './errors.js';
import { toIsoDate } from './feed.js';

/** Text gathered before the root element is looked for. */
const HEAD_CHARS = 16 * 1024;

/** The sitemap protocol's cap on URLs in one sitemap (and sitemaps in one index). */
export const MAX_SITEMAP_URLS = 50_000;

export interface SitemapEntry {
  url: string;
  /** `<lastmod>` as ISO 8601 UTC. */
  lastmod: string | null;
  /** `news:title`, `news:publication_date`, `news:language`. */
  title: string | null;
  publishedAt: string | null;
  language: string | null;
}

export interface ChildSitemap {
  url: string;
  lastmod: string | null;
}

export type ParsedSitemap =
  | { kind: 'urlset'; entries: SitemapEntry[]; truncated: boolean }
  | { kind: 'sitemapindex'; sitemaps: ChildSitemap[]; truncated: boolean };

const localName = (name: string): string => name.slice(name.indexOf(':') + 1).toLowerCase();

/** The local name of a document's first element, e.g. `urlset`, `rss`, `feed`; `json` for JSON text. */
export function rootElementName(text: string): string | null {
  const head = text.slice(0, 64 * 1024).replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('{')) return 'json';
  // Skip the declaration, comments, processing instructions and a DOCTYPE before the root.
  const stripped = head.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>/gi, '');
  const match = /<([A-Za-z_][\w.:-]*)/.exec(stripped);
  return match ? localName(match[1]!) : null;
}

export function isSitemapRoot(name: string | null): boolean {
  return name === 'urlset' || name === 'sitemapindex';
}

function absolute(loc: string, base: string): string | null {
  try {
    const url = new URL(loc.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

interface Collector {
  handler: Partial<Handler>;
  entries: SitemapEntry[];
  sitemaps: ChildSitemap[];
  readonly truncated: boolean;
  readonly rootClosedProperly: boolean;
}

type Fields = { loc: string | null; lastmod: string | null; title: string | null; publishedAt: string | null; language: string | null };

/** Parser callbacks that keep `url`/`sitemap` children of the root and their news fields. */
function collector(url: string, maxUrls: number): Collector {
  const out = { entries: [] as SitemapEntry[], sitemaps: [] as ChildSitemap[], truncated: false, rootClosedProperly: false };
  const path: string[] = [];
  let buffer = '';
  let current: Fields | null = null;
  const handler: Partial<Handler> = {
    onopentag(name) {
      const local = localName(name);
      path.push(local);
      buffer = '';
      if (path.length === 2 && (local === 'url' || local === 'sitemap')) {
        current = { loc: null, lastmod: null, title: null, publishedAt: null, language: null };
      }
    },
    ontext(chunk) {
      // Only leaf text is kept; a few hundred bytes at most per field.
      if (current !== null && buffer.length < 8192) buffer += chunk;
    },
    onclosetag(name, isImplied) {
      const local = localName(name);
      const value = buffer.trim();
      buffer = '';
      if (current !== null) {
        const inNews = path[2] === 'news' && (path.length === 4 || (path.length === 5 && path[3] === 'publication'));
        if (path.length === 3 && local === 'loc') current.loc = value;
        else if (path.length === 3 && local === 'lastmod') current.lastmod = toIsoDate(value);
        else if (inNews && local === 'title') current.title = value.replace(/\s+/g, ' ') || null;
        else if (inNews && local === 'publication_date') current.publishedAt = toIsoDate(value);
        else if (inNews && local === 'language') current.language = value.toLowerCase() || null;
      }
      if (path.length === 2 && current !== null) {
        const loc = current.loc === null ? null : absolute(current.loc, url);
        if (loc !== null) {
          if (out.entries.length + out.sitemaps.length >= maxUrls) out.truncated = true;
          else if (local === 'url') out.entries.push({ url: loc, lastmod: current.lastmod, title: current.title, publishedAt: current.publishedAt, language: current.language });
          else if (local === 'sitemap') out.sitemaps.push({ url: loc, lastmod: current.lastmod });
        }
        current = null;
      }
      if (path.length === 1 && !isImplied) out.rootClosedProperly = true;
      path.pop();
    },
  };
  return Object.assign(out, { handler });
}

/**
 * Parses one sitemap, given whole or in chunks of text; throws SourceError (`unknown_format`,
 * `malformed_sitemap`) naming the URL.
 */
export function parseSitemapDocument(input: string | Iterable<string>, url: string, maxUrls: number = MAX_SITEMAP_URLS): ParsedSitemap {
  const c = collector(url, maxUrls);
  let root: string | null = null;
  let parser: Parser | null = null;
  let head = '';
  const start = (text: string): Parser => {
    root = rootElementName(text);
    if (!isSitemapRoot(root)) throw new SourceError('unknown_format', `${url} is not a sitemap (root element ${root ?? 'none'})`);
    const p = new Parser(c.handler, { xmlMode: true, decodeEntities: true });
    p.write(text);
    return p;
  };
  for (const chunk of typeof input === 'string' ? [input] : input) {
    if (parser !== null) parser.write(chunk);
    else if ((head += chunk).length >= HEAD_CHARS) parser = start(head);
  }
  if (parser === null) {
    if (head.trim() === '') throw new SourceError('unknown_format', `${url} is empty`);
    parser = start(head);
  }
  parser.end();
  if (!c.rootClosedProperly) throw new SourceError('malformed_sitemap', `${url}: malformed sitemap (the ${root} element is never closed)`);
  return root === 'urlset' ? { kind: 'urlset', entries: c.entries, truncated: c.truncated } : { kind: 'sitemapindex', sitemaps: c.sitemaps, truncated: c.truncated };
}
