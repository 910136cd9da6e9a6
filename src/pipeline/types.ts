/**
 * The shapes that pass between the pipeline's stages. Every stage is a pure function of these:
 * nothing here knows about queues, HTTP or storage.
 */
import type { ArticleImage, Removal } from '../article.js';
import type { SiteRule } from '../rules/schema.js';

/** The tags a body block may have; the sanitizer's allowlist is built from the same vocabulary. */
export type BlockTag = 'p' | 'h2' | 'h3' | 'h4' | 'blockquote' | 'ul' | 'ol' | 'figure';

/**
 * One block of the article body, the common currency of the HTML and the plain-text paths: the
 * cleaning rules work on blocks, so each rule is written once for both.
 */
export interface Block {
  tag: BlockTag;
  /** Plain text, whitespace folded. A list has one item per line. */
  text: string;
  /**
   * Inner HTML of the block, not yet sanitized (inline markup and links kept). A list holds its
   * `<li>` items; a figure leaves this empty and uses `image`.
   */
  html: string;
  /** Set on figures, and on any block a cleaner recognised as a photo caption. */
  image?: ArticleImage;
  /** True when the block came from a `<figcaption>`, or a caption-like element of the page. */
  caption?: boolean;
}

/** What the page says about itself, before the body is looked at. */
export interface PageMetadata {
  title: string | null;
  authors: string[];
  publishedAt: string | null;
  modifiedAt: string | null;
  canonicalUrl: string | null;
  publisher: string | null;
  language: string | null;
  section: string | null;
  tags: string[];
  description: string | null;
  /** The lead image (og:image, JSON-LD image), absolute. */
  image: string | null;
}

export function emptyMetadata(): PageMetadata {
  return {
    title: null,
    authors: [],
    publishedAt: null,
    modifiedAt: null,
    canonicalUrl: null,
    publisher: null,
    language: null,
    section: null,
    tags: [],
    description: null,
    image: null,
  };
}

/** What the cleaning stage works with and fills in, beside the blocks themselves. */
export interface CleanContext {
  rule: SiteRule | null;
  metadata: PageMetadata;
  /** The headline; a cleaner may find it in the text when the page's metadata has none. */
  title: string | null;
  /** Bylines found in the text by a cleaner, when the metadata has none. */
  authors: string[];
  /** Every block or fragment removed, in order, with the rule that removed it. */
  removed: Removal[];
  dateline: string | null;
  agency: string | null;
  images: ArticleImage[];
}

/** A cleaning rule: one concern, one module, the same for HTML and plain text. */
export interface Cleaner {
  /** The name recorded in `removed[].rule`. */
  name: string;
  apply(blocks: Block[], ctx: CleanContext): Block[];
}
