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
  /** Entries parsed since the last batch was taken. */
  entries: SitemapEntry[];
  sitemaps: ChildSitemap[];
  readonly truncated: boolean;
  readonly rootClosedProperly: boolean;
}

type Fields = { loc: string | null; lastmod: string | null; title: string | null; publishedAt: string | null; language: string | null };

/**
 * A copy of a parsed value that shares no memory with the parser's input. The parser hands out
 * slices of its ~1 MB text chunks, and V8 keeps a whole chunk alive for one slice of it: the dates
 * of a 50,000-URL sitemap kept every chunk (21 MB) alive for as long as its entries lived.
 * Concatenation makes a new string, and the slice of it refers to that string only.
 */
const detached = (text: string): string => (' ' + text).slice(1);

/** Parser callbacks that keep `url`/`sitemap` children of the root and their news fields. */
function collector(url: string, maxUrls: number): Collector {
  const out = { entries: [] as SitemapEntry[], sitemaps: [] as ChildSitemap[], truncated: false, rootClosedProperly: false };
  const path: string[] = [];
  let buffer = '';
  let current: Fields | null = null;
  let kept = 0;
  // Dates repeat (lastmod = publication date, one minute for many entries) and languages are few:
  // the same detached string serves them all.
  let lastIso: string | null = null;
  let lastDate: string | null = null;
  const date = (value: string): string | null => {
    const iso = toIsoDate(value);
    if (iso === null || iso === lastIso) return iso === null ? null : lastDate;
    lastIso = iso;
    return (lastDate = detached(iso));
  };
  const languages = new Map<string, string>();
  const language = (value: string): string | null => {
    const lower = value.toLowerCase();
    if (lower === '') return null;
    let known = languages.get(lower);
    if (known === undefined) languages.set(lower, (known = detached(lower)));
    return known;
  };
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
        else if (path.length === 3 && local === 'lastmod') current.lastmod = date(value);
        else if (inNews && local === 'title') {
          const title = value.replace(/\s+/g, ' ');
          current.title = title === '' ? null : title === value ? detached(title) : title;
        } else if (inNews && local === 'publication_date') current.publishedAt = date(value);
        else if (inNews && local === 'language') current.language = language(value);
      }
      if (path.length === 2 && current !== null) {
        // A URL object's href is a new string, not a slice of the input.
        const loc = current.loc === null ? null : absolute(current.loc, url);
        if (loc !== null) {
          if (kept >= maxUrls) out.truncated = true;
          else if (local === 'url') {
            out.entries.push({ url: loc, lastmod: current.lastmod, title: current.title, publishedAt: current.publishedAt, language: current.language });
            kept += 1;
          } else if (local === 'sitemap') {
            out.sitemaps.push({ url: loc, lastmod: current.lastmod });
            kept += 1;
          }
        }
        current = null;
      }
      if (path.length === 1 && !isImplied) out.rootClosedProperly = true;
      path.pop();
    },
  };
  return Object.assign(out, { handler });
}

/** What a sitemap read by readSitemap says once it has been read to its end. */
export interface SitemapEnd {
  kind: 'urlset' | 'sitemapindex';
  /** The child sitemaps of an index (none for a urlset). */
  sitemaps: ChildSitemap[];
  truncated: boolean;
}

/**
 * Reads one sitemap pushed to it piece by piece as text: each write returns the `url` entries that
 * piece completed, so a caller can hand them on while the rest is still arriving. The root element
 * is looked for once HEAD_CHARS have come (or at the end). Throws SourceError (`unknown_format`,
 * `malformed_sitemap`) naming the URL; a malformed sitemap is refused only by result(), after
 * end() has given up the entries parsed before the cut.
 */
export class SitemapReader {
  readonly #url: string;
  readonly #collected: Collector;
  #root: string | null = null;
  #parser: Parser | null = null;
  #head = '';
  #ended = false;

  constructor(url: string, maxUrls: number = MAX_SITEMAP_URLS) {
    this.#url = url;
    this.#collected = collector(url, maxUrls);
  }

  /** Parses the next piece of text; returns the entries it completed. */
  write(text: string): SitemapEntry[] {
    if (this.#parser !== null) this.#parser.write(text);
    else if ((this.#head += text).length >= HEAD_CHARS) this.#start();
    return this.#taken();
  }

  /** Ends the text; returns the entries its last piece completed. */
  end(): SitemapEntry[] {
    if (this.#parser === null && this.#head.trim() === '') throw new SourceError('unknown_format', `${this.#url} is empty`);
    (this.#parser ?? this.#start()).end();
    this.#ended = true;
    return this.#taken();
  }

  /** What the sitemap says once read to its end (call after end()); throws malformed_sitemap if its root is never closed. */
  result(): SitemapEnd {
    if (!this.#ended) throw new Error('SitemapReader.result() called before end()');
    if (!this.#collected.rootClosedProperly) {
      throw new SourceError('malformed_sitemap', `${this.#url}: malformed sitemap (the ${this.#root} element is never closed)`);
    }
    return { kind: this.#root === 'urlset' ? 'urlset' : 'sitemapindex', sitemaps: this.#collected.sitemaps, truncated: this.#collected.truncated };
  }

  #start(): Parser {
    this.#root = rootElementName(this.#head);
    if (!isSitemapRoot(this.#root)) throw new SourceError('unknown_format', `${this.#url} is not a sitemap (root element ${this.#root ?? 'none'})`);
    const parser = new Parser(this.#collected.handler, { xmlMode: true, decodeEntities: true });
    parser.write(this.#head);
    this.#head = '';
    return (this.#parser = parser);
  }

  #taken(): SitemapEntry[] {
    const batch = this.#collected.entries;
    if (batch.length > 0) this.#collected.entries = [];
    return batch;
  }
}

/**
 * Reads one sitemap given whole or in chunks of text (see SitemapReader), yielding the `url`
 * entries parsed from each chunk as it goes, so a caller can work through a 50,000-URL sitemap
 * without holding all of it; returns the kind and, for an index, its child sitemaps. A malformed
 * sitemap throws only at its end, after its entries were yielded.
 */
export function* readSitemap(input: string | Iterable<string>, url: string, maxUrls: number = MAX_SITEMAP_URLS): Generator<SitemapEntry[], SitemapEnd, undefined> {
  const reader = new SitemapReader(url, maxUrls);
  for (const chunk of typeof input === 'string' ? [input] : input) {
    const batch = reader.write(chunk);
    if (batch.length > 0) yield batch;
  }
  const last = reader.end();
  if (last.length > 0) yield last;
  return reader.result();
}

/** Parses one sitemap whole (see readSitemap). */
export function parseSitemapDocument(input: string | Iterable<string>, url: string, maxUrls: number = MAX_SITEMAP_URLS): ParsedSitemap {
  const reading = readSitemap(input, url, maxUrls);
  const entries: SitemapEntry[] = [];
  let step = reading.next();
  for (; !step.done; step = reading.next()) for (const e of step.value) entries.push(e);
  const end = step.value;
  return end.kind === 'urlset' ? { kind: 'urlset', entries, truncated: end.truncated } : { kind: 'sitemapindex', sitemaps: end.sitemaps, truncated: end.truncated };
}
