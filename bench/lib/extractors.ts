/**
 * The extractors the benchmarks compare, each as `(page) => result`: ours (the full pipeline,
 * `extractArticle`), its parse + generic content stage alone, a bare cheerio parse, and
 * @mozilla/readability on linkedom as the reference.
 */
import { Readability } from '@mozilla/readability';
import { load } from 'cheerio';
import { parseHTML } from 'linkedom';
import { extractArticle } from '../../src/index.js';
import { extractGenericContent } from '../../src/pipeline/content/generic.js';
import { parseHtml } from '../../src/pipeline/parse.js';
import type { Block } from '../../src/pipeline/types.js';
import type { BenchPage } from './dataset.js';

export interface ExtractResult {
  text: string;
  title: string | null;
}

export interface Extractor {
  name: string;
  /** False for a stage that has no title to give (the title column then reads "-"). */
  givesTitle: boolean;
  extract(page: BenchPage): ExtractResult;
}

interface PipelineArticle {
  title: string;
  text: string;
  removed?: { rule: string; text: string }[];
}
type ExtractArticle = (
  input: string | Buffer,
  opts: { url?: string; contentType?: string; explain?: boolean; siteRules?: false },
) => PipelineArticle | null;

/** Body text as the benchmark sees it: paragraphs joined by a blank line, photos and captions out. */
export function blocksToText(blocks: Block[]): string {
  return blocks
    .filter((block) => block.tag !== 'figure' && block.caption !== true)
    .map((block) => block.text)
    .join('\n\n');
}

export const genericExtractor: Extractor = {
  name: 'newsworker parse + generic content',
  givesTitle: false,
  extract(page) {
    const { document } = parseHtml(page.html);
    return { text: blocksToText(extractGenericContent(document, { baseUrl: page.url })), title: null };
  },
};

/**
 * The truth keeps datelines ("(Reuters) -") and agency tags in the body, which our cleaners move
 * to their own fields: put them back from `removed` so the score measures extraction only.
 */
function pipelineExtractor(extractArticle: ExtractArticle): Extractor {
  return {
    name: 'newsworker extractArticle (site rules off)',
    givesTitle: true,
    extract(page) {
      const article = extractArticle(page.bytes ?? page.html, { url: page.url, contentType: 'text/html', explain: true, siteRules: false });
      if (article === null) return { text: '', title: null };
      const removed = article.removed ?? [];
      const dateline = removed.filter((r) => r.rule === 'dateline').map((r) => r.text);
      const agency = removed.filter((r) => r.rule === 'agency').map((r) => r.text);
      return { text: [...dateline, article.text, ...agency].join('\n\n'), title: article.title === '' ? null : article.title };
    },
  };
}

/** The full pipeline, as the library exports it. */
export function ourExtractor(): Extractor {
  return pipelineExtractor(extractArticle as ExtractArticle);
}

/** A bare parse, the floor under any cheerio-based extractor. */
export const cheerioParseOnly: Extractor = {
  name: 'cheerio.load (parse only)',
  givesTitle: false,
  extract(page) {
    load(page.html, { xml: { xmlMode: false } });
    return { text: '', title: null };
  },
};

export const readabilityExtractor: Extractor = {
  name: '@mozilla/readability + linkedom',
  givesTitle: true,
  extract(page) {
    const { document } = parseHTML(page.html);
    const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0]).parse();
    return { text: article?.textContent ?? '', title: article?.title ? article.title : null };
  },
};
