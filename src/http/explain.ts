/**
 * `explain` for a stored article: the stored raw page is extracted again with `explain: true`, so
 * the removals are those of the current rules (the same ones `newsworker reprocess` would apply).
 */
import type { Article } from '../article.js';
import { extractArticle } from '../pipeline/index.js';
import type { RawPage, Store } from '../store/index.js';

export interface Explained {
  article: Article;
  raw: RawPage;
  /** The re-extraction, with `removed`; null when the current rules find no article in the page. */
  reextracted: Article | null;
}

export async function explainArticle(store: Store, article: Article): Promise<Explained | null> {
  const raw = await store.getRawPage(article.id);
  if (raw === null) return null;
  const reextracted = extractArticle(raw.body, {
    url: raw.url,
    contentType: raw.headers['content-type'],
    fetchedAt: raw.fetchedAt,
    explain: true,
  });
  return { article, raw, reextracted };
}
