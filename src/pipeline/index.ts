/**
 * `extractArticle`: one raw page (HTML or plain text, bytes or string) to the clean article of
 * `spec/article.md`, or null when the page holds no article. Pure: no network, no storage; the
 * CLI, the worker and the reprocess command all call this one function.
 *
 * The stages, in order:
 *  1. decode     bytes to text (BOM, Content-Type, <meta charset>, sniffing)      decode.ts
 *  2. parse      text to a DOM (cheerio's domhandler tree, built by htmlparser2)  parse.ts
 *  3. metadata   JSON-LD, OpenGraph, meta tags, canonical, language               metadata/
 *  4. content    the body as blocks: a site rule's selectors, else the generic
 *                extractor (plain text: blank-line paragraphs)                    content/, text-blocks.ts
 *  5. clean      boilerplate rules over the blocks, recording every removal       clean/
 *  6. sanitize   blocks to allowlisted HTML                                       sanitize.ts
 *  7. normalize  NFC text, language, word count, hashes, stable id                normalize/
 */
import type { Article } from '../article.js';
import { InputError } from '../errors.js';
import type { LoadedSiteRule } from '../rules/load.js';
import { findHostRule, findSignatureRules, mergeRules } from '../rules/resolve.js';
import { defaultSiteRules, extractorName } from './defaults.js';
import { decodeInput } from './decode.js';
import { parseHtml } from './parse.js';
import { extractMetadata } from './metadata/index.js';
import { extractGenericContent } from './content/generic.js';
import { extractRuleContent, readRuleField } from './content/site-rule.js';
import { textToBlocks } from './text-blocks.js';
import { cleanBlocks } from './clean/index.js';
import { renderBlocksHtml } from './sanitize.js';
import {
  articleId, contentHash, countWords, declaredLanguageFits, detectLanguage, joinParagraphs, normalizeText, normalizeUrl, siteOf,
  simhash64, textId,
} from './normalize/index.js';
import { toUtcIso } from './metadata/dates.js';
import { normalizeAuthors } from './metadata/authors.js';
import { emptyMetadata, type Block, type CleanContext, type PageMetadata } from './types.js';

export interface ExtractOptions {
  /** The URL the page was fetched from, after redirects: resolves links, picks the site rule. */
  url?: string;
  /** The response's Content-Type: its charset and whether the input is HTML or plain text. */
  contentType?: string;
  /** Return `removed`: every stripped block with the rule that stripped it. */
  explain?: boolean;
  /** `false`: the generic extractor only. A list: these rules instead of `config/sites`. */
  siteRules?: false | readonly LoadedSiteRule[];
  /** What the caller already knows (a feed item's title, date, language): used where the page is silent. */
  fallback?: { title?: string | null; publishedAt?: string | null; language?: string | null };
  /** When the page was fetched (ISO 8601); defaults to now. */
  fetchedAt?: string;
  /** Largest input accepted, in bytes. */
  maxBytes?: number;
}

export function extractArticle(input: string | Buffer, opts: ExtractOptions = {}): Article | null {
  const url = opts.url === undefined ? null : checkedUrl(opts.url);
  const decoded = decodeInput(input, { contentType: opts.contentType, maxBytes: opts.maxBytes });
  const rules = opts.siteRules === false ? [] : (opts.siteRules ?? defaultSiteRules());
  const hostRule = findHostRule(rules, url === null ? null : new URL(url).hostname);

  let metadata: PageMetadata = emptyMetadata();
  let blocks: Block[];
  if (decoded.kind === 'html') {
    const page = parseHtml(decoded.pieces);
    metadata = extractMetadata(page, { url });
    const baseUrl = url ?? metadata.canonicalUrl;
    blocks = (hostRule && extractRuleContent(page, hostRule, baseUrl)) ?? extractGenericContent(page.document, { baseUrl });
    if (hostRule) metadata = applyRuleFields(metadata, hostRule, (s) => readRuleField(page, s));
  } else {
    blocks = textToBlocks(decoded.text);
  }

  // Folding every block's text for the lookup is wasted when no rule has a signature to match.
  const signed = rules.some((r) => r.signatures.length > 0);
  const rule = mergeRules(hostRule, signed ? findSignatureRules(rules, blocks.map((b) => b.text)) : []);
  const ctx: CleanContext = {
    rule,
    metadata,
    title: metadata.title === null ? null : stripSuffixes(metadata.title, rule?.titleSuffixes ?? []),
    authors: metadata.authors,
    removed: [],
    dateline: null,
    agency: null,
    images: [],
  };
  const cleaned = cleanBlocks(blocks, ctx);
  const text = normalizeText(joinParagraphs(cleaned));
  if (text === '') return null;
  return assemble({ url, metadata, ctx, blocks: cleaned, text, opts });
}

interface AssemblyParts {
  url: string | null;
  metadata: PageMetadata;
  ctx: CleanContext;
  blocks: Block[];
  text: string;
  opts: ExtractOptions;
}

function assemble({ url, metadata, ctx, blocks, text, opts }: AssemblyParts): Article {
  const canonicalUrl = normalizeUrl(metadata.canonicalUrl ?? url ?? '') ?? (url === null ? null : normalizeUrl(url));
  const now = new Date().toISOString();
  const article: Article = {
    id: canonicalUrl === null ? textId(text) : articleId(canonicalUrl),
    url,
    canonicalUrl,
    site: siteOf(url ?? canonicalUrl ?? ''),
    publisher: ctx.rule?.publisher ?? metadata.publisher,
    title: normalizeText(ctx.title ?? opts.fallback?.title ?? ''),
    authors: ctx.authors,
    dateline: ctx.dateline,
    agency: ctx.agency,
    publishedAt: metadata.publishedAt ?? (opts.fallback?.publishedAt ? toUtcIso(opts.fallback.publishedAt) : null),
    modifiedAt: metadata.modifiedAt,
    language: chooseLanguage(metadata.language ?? opts.fallback?.language ?? null, text),
    section: metadata.section,
    tags: metadata.tags,
    text,
    html: renderBlocksHtml(blocks, { baseUrl: url ?? canonicalUrl }),
    images: ctx.images,
    wordCount: countWords(text),
    contentHash: contentHash(text),
    simhash: simhash64(text),
    duplicateOf: null,
    fetchedAt: opts.fetchedAt ?? now,
    extractedAt: now,
    extractor: extractorName(),
  };
  if (opts.explain) article.removed = ctx.removed;
  return article;
}

function checkedUrl(raw: string): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new InputError('bad_url', `not an absolute URL: ${JSON.stringify(raw)}; give the page's http(s) address`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InputError('bad_scheme', `only http(s) URLs are accepted, not ${parsed.protocol} (${raw})`);
  }
  return parsed.href;
}

/** A site rule's selectors win over what generic metadata guessed, field by field. */
function applyRuleFields(
  metadata: PageMetadata,
  rule: LoadedSiteRule,
  read: (s: LoadedSiteRule['selectors']['title']) => string | null,
): PageMetadata {
  const title = read(rule.selectors.title);
  const byline = read(rule.selectors.byline);
  const date = read(rule.selectors.date);
  const publisher = read(rule.selectors.publisher);
  return {
    ...metadata,
    title: title ?? metadata.title,
    authors: byline === null ? metadata.authors : normalizeAuthors([byline]),
    publishedAt: (date === null ? null : toUtcIso(date)) ?? metadata.publishedAt,
    publisher: publisher ?? metadata.publisher,
  };
}

function stripSuffixes(title: string, suffixes: readonly string[]): string {
  for (const suffix of suffixes) {
    if (title.endsWith(suffix) && title.length > suffix.length) return title.slice(0, -suffix.length).trim();
  }
  return title;
}

/**
 * Portals declare their own language on every page (Daum says `ko` around an English story), so a
 * declaration the text's script contradicts gives way to detection. Detection (trigram statistics)
 * costs more than the rest of normalization together, so it runs only when needed.
 */
function chooseLanguage(declared: string | null, text: string): string | null {
  if (declared === null) return detectLanguage(text);
  if (declaredLanguageFits(declared, text)) return declared;
  return detectLanguage(text) ?? declared;
}
