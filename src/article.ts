/**
 * The clean article, exactly as `../shared/spec/article.md` describes it: what the CLI prints, the
 * API returns and both stores keep. Unknown fields are `null` or `[]`, never guessed.
 */

/** A photo of the article: each one once, its caption without the credit tail. */
export interface ArticleImage {
  url: string | null;
  caption: string | null;
  credit: string | null;
}

/** One block stripped by a cleaning rule, kept only when `explain` is asked. */
export interface Removal {
  rule: string;
  text: string;
}

export interface Article {
  id: string;
  url: string | null;
  canonicalUrl: string | null;
  site: string | null;
  publisher: string | null;
  title: string;
  authors: string[];
  dateline: string | null;
  agency: string | null;
  publishedAt: string | null;
  modifiedAt: string | null;
  language: string | null;
  section: string | null;
  tags: string[];
  text: string;
  html: string;
  images: ArticleImage[];
  wordCount: number;
  contentHash: string;
  simhash: string;
  duplicateOf: string | null;
  removed?: Removal[];
  fetchedAt: string;
  extractedAt: string;
  extractor: string;
}
