/** What an ingest job carries: the URL, and what a feed already said about the page. */
export interface IngestHints {
  title?: string | null;
  publishedAt?: string | null;
  language?: string | null;
}

export interface IngestJobData {
  /** The normalized URL to fetch. */
  url: string;
  /** Where it came from: `cli`, `api`, or `source:<id>` for scheduled ingestion. */
  origin: string;
  hints?: IngestHints;
  enqueuedAt: string;
}

export type IngestJobResult =
  | { status: 'inserted' | 'updated' | 'unchanged'; articleId: string; version: number; duplicateOf: string | null }
  | { status: 'not_modified' };
