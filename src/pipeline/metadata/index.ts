/**
 * Stage: metadata. What the page says about itself (title, authors, dates, canonical URL,
 * publisher, language, section, tags, description, lead image), read from, in order of trust:
 *   1. JSON-LD (the article node), written for search engines and usually the most exact;
 *   2. OpenGraph / article:* and Twitter cards, written for sharing;
 *   3. other `<meta>` tags (Dublin Core, Sailthru, Parse.ly, itemprop) and itemprop elements;
 *   4. the document itself: `<link rel=canonical>` (first for the canonical URL), `<html lang>`,
 *      `<time datetime>`, `<title>`, the first h1.
 * Signals are gathered by one walk over the DOM (collect.ts); each field then takes the first
 * source that gives a valid value, so a broken value (a date in 1970, a relative canonical with
 * no base) falls through to the next source instead of blanking the field.
 */
import type { CheerioAPI } from 'cheerio';
import type { Document } from 'domhandler';
import { getDomainWithoutSuffix, getHostname } from 'tldts';
import { emptyMetadata, type PageMetadata } from '../types.js';
import { normalizeAuthors } from './authors.js';
import { collectSignals, type PageSignals } from './collect.js';
import { toUtcIso } from './dates.js';
import { readJsonLd, type LdArticle } from './json-ld.js';
import { primaryLanguage } from './language.js';
import { cleanTitle, preferHeading } from './title.js';
import { absoluteUrl, trustedCanonical } from './urls.js';

export { normalizeAuthors } from './authors.js';
export { toUtcIso } from './dates.js';
export { cleanTitle } from './title.js';

export interface MetadataOptions {
  /** The fetched URL, after redirects: the base for relative URLs. Null for a file or stdin. */
  url: string | null;
}

const TITLE_META = ['og:title', 'twitter:title', 'sailthru.title', 'headline', 'dc.title'];
const AUTHOR_META = ['author', 'article:author', 'sailthru.author', 'parsely-author', 'dc.creator', 'dcterms.creator', 'byl'];
const PUBLISHED_META = [
  'article:published_time', 'article:published', 'og:published_time', 'datepublished', 'published_time', 'pubdate',
  'publishdate', 'publish-date', 'publish_date', 'article.published', 'date', 'dc.date',
  'dc.date.issued', 'dc.date.created', 'dcterms.date', 'dcterms.issued', 'dcterms.created',
  'sailthru.date', 'parsely-pub-date', 'datecreated', 'originalpublicationdate', 'pdate',
];
const MODIFIED_META = [
  'article:modified_time', 'article:modified', 'og:updated_time', 'datemodified', 'modified_time', 'article.updated',
  'dc.date.modified', 'dcterms.modified', 'last-modified', 'lastmod',
];
const PUBLISHER_META = ['og:site_name', 'application-name'];
const LANGUAGE_META = ['content-language', 'og:locale', 'inlanguage', 'language', 'dc.language'];
const SECTION_META = ['article:section', 'section', 'parsely-section', 'sailthru.section', 'article.section'];
const TAG_META = ['article:tag', 'news_keywords', 'keywords', 'parsely-tags', 'sailthru.tags'];
const DESCRIPTION_META = ['og:description', 'twitter:description', 'description', 'dc.description'];
const IMAGE_META = ['og:image', 'og:image:url', 'og:image:secure_url', 'twitter:image', 'twitter:image:src', 'image', 'thumbnailurl'];
const CANONICAL_META = ['og:url', 'twitter:url'];

/** More tags than this is a keyword-stuffed meta tag, not the article's tags. */
const MAX_TAGS = 30;

/**
 * The page's metadata; fields no source gives are null or []. Only `page.document` is read (the
 * walk works on domhandler nodes directly); `$` is part of the parsed page every stage takes.
 */
export function extractMetadata(page: { $: CheerioAPI; document: Document }, opts: MetadataOptions): PageMetadata {
  const signals = collectSignals(page.document);
  const ld = readJsonLd(signals.jsonLd, opts.url);
  const meta = emptyMetadata();

  meta.publisher = firstOf([ld?.publisher, ...metaValues(signals, PUBLISHER_META)], publisherName);
  meta.title = pickTitle(signals, ld, siteNames(signals, ld, opts.url));
  meta.authors = pickAuthors(signals, ld);
  meta.publishedAt = firstDate([
    ld?.datePublished, ...metaValues(signals, PUBLISHED_META),
    ...(signals.itemprops.get('datepublished') ?? []), signals.timeDatetime,
  ]);
  meta.modifiedAt = firstDate([
    ld?.dateModified, ...metaValues(signals, MODIFIED_META), ...(signals.itemprops.get('datemodified') ?? []),
  ]);
  meta.canonicalUrl = firstOf([...signals.canonicals, ...metaValues(signals, CANONICAL_META), ...(ld?.urls ?? [])],
    (value) => trustedCanonical(value, opts.url));
  meta.language = firstOf([signals.htmlLang, ...metaValues(signals, LANGUAGE_META), ld?.language], primaryLanguage);
  meta.section = ld?.section ?? firstMeta(signals, SECTION_META);
  meta.tags = pickTags(signals, ld);
  meta.description = ld?.description ?? firstMeta(signals, DESCRIPTION_META);
  meta.image = firstOf([ld?.image, ...metaValues(signals, IMAGE_META)], (value) => absoluteUrl(value, opts.url));
  return meta;
}

/**
 * The first candidate title, without the site name, replaced by the h1 when the title turns out
 * to be "h1 + separator + something". A JSON-LD headline cut at 110 characters (a search
 * engine guideline) with "…" gives way to a full title that starts the same.
 */
function pickTitle(signals: PageSignals, ld: LdArticle | null, names: string[]): string | null {
  const candidates = [ld?.headline, ...metaValues(signals, TITLE_META), ...(signals.itemprops.get('headline') ?? []),
    signals.title, signals.heading]
    .map((value) => value?.replace(/\s+/g, ' ').trim() ?? '')
    .filter((value) => value !== '');
  let raw = candidates[0];
  if (raw === undefined) return null;
  const truncated = /(?:\.\.\.|…)$/.exec(raw);
  if (truncated !== null) {
    const stem = raw.slice(0, truncated.index).trim();
    raw = candidates.find((c) => c.length > raw!.length && c.startsWith(stem)) ?? raw;
  }
  return preferHeading(cleanTitle(raw, names), signals.heading);
}

/** Names the site goes by, to recognise it in a title: publisher, site name, handle, host word. */
function siteNames(signals: PageSignals, ld: LdArticle | null, url: string | null): string[] {
  const names = [ld?.publisher, ...metaValues(signals, PUBLISHER_META)];
  for (const handle of metaValues(signals, ['twitter:site'])) names.push(handle.replace(/^@/, ''));
  if (url !== null) {
    names.push(getDomainWithoutSuffix(url), getHostname(url)?.replace(/^www\./, ''));
  }
  return names.filter((name): name is string => typeof name === 'string' && name !== '');
}

function pickAuthors(signals: PageSignals, ld: LdArticle | null): string[] {
  const sources = [ld?.authors ?? [], ...AUTHOR_META.map((key) => signals.meta.get(key) ?? []),
    signals.itemprops.get('author') ?? [], signals.authorLinks];
  for (const source of sources) {
    if (source.length === 0) continue;
    const authors = normalizeAuthors(source);
    if (authors.length > 0) return authors;
  }
  return [];
}

/** Tags from the first source that has any: article:tag, JSON-LD keywords, then keyword metas. */
function pickTags(signals: PageSignals, ld: LdArticle | null): string[] {
  const sources = [signals.meta.get('article:tag') ?? [], ld?.keywords ?? [],
    ...TAG_META.slice(1).map((key) => signals.meta.get(key) ?? [])];
  for (const source of sources) {
    const tags: string[] = [];
    const seen = new Set<string>();
    for (const value of source) {
      for (const tag of value.split(',')) {
        const folded = tag.replace(/\s+/g, ' ').trim();
        if (folded === '' || seen.has(folded.toLowerCase())) continue;
        seen.add(folded.toLowerCase());
        tags.push(folded);
      }
    }
    if (tags.length > 0) return tags.slice(0, MAX_TAGS);
  }
  return [];
}

/** Blogging platforms' names that `application-name` gives instead of the site's. */
const PLATFORM_NAMES = new Set(['blogger', 'wordpress', 'wordpress.com', 'tumblr', 'medium']);

/** A publisher name, not a URL, a social handle or the blogging platform. */
function publisherName(value: string): string | null {
  const name = value.replace(/\s+/g, ' ').trim();
  if (name === '' || /^(?:https?:)?\/\/|^@/i.test(name) || PLATFORM_NAMES.has(name.toLowerCase())) return null;
  return name;
}

function metaValues(signals: PageSignals, keys: string[]): string[] {
  const values: string[] = [];
  for (const key of keys) {
    for (const value of signals.meta.get(key) ?? []) values.push(value);
  }
  return values;
}

function firstMeta(signals: PageSignals, keys: string[]): string | null {
  for (const value of metaValues(signals, keys)) {
    const folded = value.replace(/\s+/g, ' ').trim();
    if (folded !== '') return folded;
  }
  return null;
}

function firstDate(values: (string | null | undefined)[]): string | null {
  return firstOf(values, toUtcIso);
}

/** The first candidate the converter accepts. */
function firstOf(values: (string | null | undefined)[], convert: (value: string) => string | null): string | null {
  for (const value of values) {
    if (value === null || value === undefined) continue;
    const converted = convert(value);
    if (converted !== null) return converted;
  }
  return null;
}
