/**
 * `explain` for a stored article: the stored raw page is extracted again with `explain: true`, so
 * the removals are those of the current rules (the same ones `newsworker reprocess` would apply).
 */
import type { Article } from '../article.js';
import { extractArticle } from '../pipeline/index.js';
import type { RawPage, Store } from '../store/index.js';

/**
 * The raw page kept for an article. The Store has no lookup by id, so the pages of the article's
 * site fetched since its `fetchedAt` are scanned (the raw page and the article share that instant,
 * so this is usually one page; for an old article of a busy site it is more).
 */
export async function findRawPage(store: Store, article: Article): Promise<RawPage | null> {
  const filter = { ...(article.site === null ? {} : { site: article.site }), since: article.fetchedAt };
  for await (const page of store.iterateRawPages(filter)) {
    if (page.articleId === article.id) return page;
  }
  return null;
}

export interface Explained {
  article: Article;
  raw: RawPage;
  /** The re-extraction, with `removed`; null when the current rules find no article in the page. */
  reextracted: Article | null;
}

export async function explainArticle(store: Store, article: Article): Promise<Explained | null> {
  const raw = await findRawPage(store, article);
  if (raw === null) return null;
  const reextracted = extractArticle(raw.body, {
    url: raw.url,
    contentType: raw.headers['content-type'],
    fetchedAt: raw.fetchedAt,
    explain: true,
  });
  return { article, raw, reextracted };
}
