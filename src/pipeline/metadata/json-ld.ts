/**
 * JSON-LD: the article node among everything a page declares (WebSite, BreadcrumbList,
 * Organization...), with `@graph`, top-level arrays, `@type` arrays and `@id` references
 * resolved. Broken blocks are common (raw newlines in strings, HTML comments, two objects
 * concatenated): each gets a cheap repair attempt and is skipped when that fails too.
 */

export interface LdArticle {
  headline: string | null;
  /** Raw names, one per author entry; normalizeAuthors splits and cleans them. */
  authors: string[];
  datePublished: string | null;
  dateModified: string | null;
  publisher: string | null;
  image: string | null;
  /** mainEntityOfPage, url and @id: candidates for the canonical URL, best first. */
  urls: string[];
  section: string | null;
  keywords: string[];
  language: string | null;
  description: string | null;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Node = { [key: string]: Json };

/** schema.org types (lower-case) whose node describes the article itself. */
const ARTICLE_TYPES = new Set([
  'article', 'newsarticle', 'reportagenewsarticle', 'analysisnewsarticle', 'opinionnewsarticle',
  'backgroundnewsarticle', 'reviewnewsarticle', 'askpublicnewsarticle', 'blogposting',
  'liveblogposting', 'socialmediaposting', 'techarticle', 'scholarlyarticle', 'satiricalarticle',
  'report', 'review',
]);
/** Page types that sometimes carry the article's fields when no article node exists. */
const PAGE_TYPES = new Set(['webpage', 'itempage', 'medicalwebpage', 'creativework', 'claimreview']);

/** Nesting depth followed through @graph, arrays and mainEntity; real pages need 3. */
const MAX_DEPTH = 5;

export function readJsonLd(texts: string[], pageUrl: string | null): LdArticle | null {
  const nodes: Node[] = [];
  const byId = new Map<string, Node>();
  for (const text of texts) {
    const data = parseLenient(text);
    if (data !== undefined) gather(data, 0, nodes, byId);
  }
  const node = pickArticle(nodes.filter((n) => hasType(n, ARTICLE_TYPES)), pageUrl) ??
    nodes.find((n) => hasType(n, PAGE_TYPES) && (n.headline !== undefined || n.datePublished !== undefined));
  if (node === undefined) return null;
  const resolve = (value: Json | undefined): Json | undefined =>
    isNode(value) && typeof value['@id'] === 'string' && Object.keys(value).length === 1
      ? byId.get(value['@id']) ?? value
      : value;

  return {
    headline: text(node.headline) ?? text(node.name),
    authors: personNames(node.author ?? node.creator, resolve),
    datePublished: text(node.datePublished) ?? text(node.dateCreated),
    dateModified: text(node.dateModified),
    publisher: personNames(node.publisher, resolve)[0] ?? null,
    image: imageUrl(resolve(node.image) ?? resolve(node.thumbnailUrl), resolve),
    urls: nodeUrls(node, resolve),
    section: text(node.articleSection),
    keywords: listOf(node.keywords),
    language: languageOf(resolve(node.inLanguage)),
    description: text(node.description),
  };
}

function parseLenient(raw: string): Json | undefined {
  const text = unwrap(raw);
  if (text === '') return undefined;
  for (const attempt of [
    text,
    // Raw newlines and tabs inside strings: the most common breakage.
    () => text.replace(/[\u0000-\u001f]+/g, ' '),
    // Two objects written one after the other.
    () => `[${text.replace(/[\u0000-\u001f]+/g, ' ').replace(/}\s*(?:,\s*)?{/g, '},{')}]`,
    // Single-quoted values, as hand-written templates produce: "description": 'text'.
    () => text.replace(/[\u0000-\u001f]+/g, ' ').replace(/:\s*'((?:[^'\\]|\\.)*)'/g, (_, inner: string) => `: ${JSON.stringify(inner)}`),
  ]) {
    try {
      return JSON.parse(typeof attempt === 'string' ? attempt : attempt()) as Json;
    } catch {
      // next repair
    }
  }
  return undefined;
}

/**
 * The JSON without the comment or CDATA wrapper old templates put around scripts, and without a
 * trailing semicolon. The closing wrapper is looked for in the last characters only: an
 * end-anchored regex would rescan texts that can be 100 KB long.
 */
function unwrap(raw: string): string {
  let text = raw.trim().replace(/^(?:<!--|\/\/\s*<!\[CDATA\[|<!\[CDATA\[)\s*/, '');
  const tail = /(?:-->|\/\/\s*\]\]>|\]\]>)$/.exec(text.slice(-16));
  if (tail !== null) text = text.slice(0, text.length - tail[0].length).trimEnd();
  return text.endsWith(';') ? text.slice(0, -1) : text;
}

function gather(value: Json, depth: number, nodes: Node[], byId: Map<string, Node>): void {
  if (depth > MAX_DEPTH) return;
  if (Array.isArray(value)) {
    for (const item of value) gather(item, depth + 1, nodes, byId);
    return;
  }
  if (!isNode(value)) return;
  if (typeof value['@id'] === 'string' && Object.keys(value).length > 1) byId.set(value['@id'], value);
  if (value['@type'] !== undefined) nodes.push(value);
  if (value['@graph'] !== undefined) gather(value['@graph'], depth + 1, nodes, byId);
  // A WebPage whose mainEntity is the article, or an article nested in mainEntityOfPage.
  for (const key of ['mainEntity', 'mainEntityOfPage']) {
    const child = value[key];
    if (child !== undefined && (Array.isArray(child) || (isNode(child) && child['@type'] !== undefined))) {
      gather(child, depth + 1, nodes, byId);
    }
  }
}

/** The article node about this page when several are declared (related stories), else the first. */
function pickArticle(candidates: Node[], pageUrl: string | null): Node | undefined {
  if (candidates.length <= 1 || pageUrl === null) return candidates[0];
  const page = comparableUrl(pageUrl);
  return candidates.find((n) => nodeUrls(n, (v) => v).some((u) => comparableUrl(u) === page)) ?? candidates[0];
}

function comparableUrl(url: string): string {
  return url.replace(/^https?:\/\/(?:www\.)?/i, '').replace(/[?#].*$/s, '').replace(/(?<!\/)\/+$/, '').toLowerCase();
}

function hasType(node: Node, types: Set<string>): boolean {
  const type = node['@type'];
  const list = Array.isArray(type) ? type : [type];
  for (const t of list) {
    if (typeof t !== 'string') continue;
    // "NewsArticle", "schema:NewsArticle", "http://schema.org/NewsArticle".
    if (types.has(t.slice(Math.max(t.lastIndexOf('/'), t.lastIndexOf(':')) + 1).toLowerCase())) return true;
  }
  return false;
}

function isNode(value: Json | undefined): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field, also when given as an array, a number or `{ "@value": ... }`. */
function text(value: Json | undefined): string | null {
  if (typeof value === 'string') {
    const folded = decodeEntities(value).replace(/\s+/g, ' ').trim();
    return folded === '' ? null : folded;
  }
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = text(item);
      if (found !== null) return found;
    }
    return null;
  }
  if (isNode(value)) return text(value['@value']);
  return null;
}

function personNames(value: Json | undefined, resolve: (v: Json | undefined) => Json | undefined): string[] {
  const names: string[] = [];
  for (const item of Array.isArray(value) ? value : [value]) {
    const entry = resolve(item);
    if (typeof entry === 'string') {
      const name = text(entry);
      if (name !== null) names.push(name);
    } else if (isNode(entry)) {
      const given = text(entry.givenName);
      const family = text(entry.familyName);
      const name = text(entry.name) ?? (given !== null && family !== null ? `${given} ${family}` : null);
      if (name !== null) names.push(name);
    }
  }
  return names;
}

function imageUrl(value: Json | undefined, resolve: (v: Json | undefined) => Json | undefined): string | null {
  const first = Array.isArray(value) ? resolve(value[0]) : value;
  if (typeof first === 'string') return text(first);
  if (isNode(first)) return text(first.url) ?? text(first.contentUrl) ?? text(first['@id']);
  return null;
}

function nodeUrls(node: Node, resolve: (v: Json | undefined) => Json | undefined): string[] {
  const urls: string[] = [];
  const main = resolve(node.mainEntityOfPage);
  const fromMain = isNode(main) ? text(main['@id']) ?? text(main.url) : text(main);
  for (const url of [fromMain, text(node.url), text(node['@id'])]) {
    // Yoast-style ids carry a fragment ("…/story/#article"); the page is what precedes it.
    const page = url?.replace(/#.*$/s, '') ?? '';
    if (/^(?:https?:)?\/\//i.test(page) || page.startsWith('/')) urls.push(page);
  }
  return urls;
}

function listOf(value: Json | undefined): string[] {
  const raw = Array.isArray(value) ? value.map((v) => text(v) ?? '') : (text(value) ?? '').split(',');
  return raw.map((s) => s.trim()).filter((s) => s !== '');
}

function languageOf(value: Json | undefined): string | null {
  if (isNode(value)) return text(value.alternateName) ?? text(value.name);
  return text(value);
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', rsquo: '\u2019', lsquo: '\u2018',
  rdquo: '\u201d', ldquo: '\u201c', ndash: '\u2013', mdash: '\u2014', hellip: '\u2026',
};

/**
 * CMSs often write HTML-escaped text into JSON-LD ("Moon&#8217;s"). Script contents are not
 * entity-decoded by the HTML parser, so the common entities are decoded here.
 */
function decodeEntities(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&(?:#(\d{1,7})|#x([\da-f]{1,6})|([a-z]{2,8}));/gi, (whole, dec, hex, name) => {
    if (dec !== undefined || hex !== undefined) {
      const code = dec !== undefined ? Number(dec) : parseInt(hex as string, 16);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[(name as string).toLowerCase()] ?? whole;
  });
}
