/** The shared scrapinghub-aeb pages and truth, decompressed once into memory. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { packageRoot } from '../../src/config/paths.js';

export interface BenchPage {
  id: string;
  url: string;
  /** The page as text (decoded from `bytes` on each read when loaded with `keepBytes`). */
  readonly html: string;
  /** The raw UTF-8 bytes, as a fetcher would hand them over (only with `keepBytes`). */
  bytes?: Buffer;
  truth: string;
}

/** The datasets live beside the checkout, read-only: `<project>/../shared/datasets/...`. */
export const DATASET_DIR = resolve(packageRoot(), '..', 'shared', 'datasets', 'scrapinghub-aeb');

/**
 * All pages sorted by id; exits the process with a clear message if the dataset is missing.
 * `keepBytes` keeps each page as its decompressed bytes rather than a string (a third of the
 * memory for non-Latin pages, whose strings V8 stores as UTF-16): the speed benchmark uses it so
 * the corpus does not dominate the peak RSS it reports.
 */
export function loadPages(opts: { keepBytes?: boolean } = {}): BenchPage[] {
  const truthPath = join(DATASET_DIR, 'ground-truth.json');
  if (!existsSync(truthPath)) {
    console.error(`scrapinghub-aeb dataset not found at ${DATASET_DIR} (expected ground-truth.json and html/*.html.gz)`);
    process.exit(1);
  }
  const truthById = JSON.parse(readFileSync(truthPath, 'utf8')) as Record<string, { articleBody?: string; url?: string }>;
  const htmlDir = join(DATASET_DIR, 'html');
  const files = new Set(readdirSync(htmlDir));
  const pages: BenchPage[] = [];
  for (const id of Object.keys(truthById).sort()) {
    const file = `${id}.html.gz`;
    if (!files.has(file)) continue;
    const entry = truthById[id] ?? {};
    const bytes = gunzipSync(readFileSync(join(htmlDir, file)));
    const url = entry.url ?? '';
    const truth = entry.articleBody ?? '';
    if (opts.keepBytes === true) {
      pages.push(new PageBytes(id, url, truth, bytes));
    } else {
      pages.push({ id, url, truth, html: bytes.toString('utf8') });
    }
  }
  return pages;
}

/** A page held gzip-compressed, as on disk: a fifth of the memory of its bytes. */
export interface CompressedBenchPage {
  id: string;
  url: string;
  gz: Buffer;
}

/**
 * All pages sorted by id, still compressed: for measuring one extractor's peak RSS, where 31 MB of
 * decompressed corpus held for the whole run would count as the extractor's memory.
 */
export function loadCompressedPages(): CompressedBenchPage[] {
  const truthPath = join(DATASET_DIR, 'ground-truth.json');
  if (!existsSync(truthPath)) {
    console.error(`scrapinghub-aeb dataset not found at ${DATASET_DIR} (expected ground-truth.json and html/*.html.gz)`);
    process.exit(1);
  }
  const truthById = JSON.parse(readFileSync(truthPath, 'utf8')) as Record<string, { url?: string }>;
  const files = new Set(readdirSync(join(DATASET_DIR, 'html')));
  return Object.keys(truthById)
    .sort()
    .filter((id) => files.has(`${id}.html.gz`))
    .map((id) => ({ id, url: truthById[id]?.url ?? '', gz: readFileSync(join(DATASET_DIR, 'html', `${id}.html.gz`)) }));
}

/** One compressed page as a {@link BenchPage} with its bytes (no truth: the speed benchmark scores nothing). */
export function inflatePage(page: CompressedBenchPage): BenchPage {
  const bytes = gunzipSync(page.gz);
  return new PageBytes(page.id, page.url, '', bytes);
}

/**
 * A page held as bytes, decoded on each read of `html`. A class rather than an object literal with
 * a getter closure: V8 keeps such a closure reachable to minor GCs through the hidden class the
 * next literal shares, so the last page would outlive its turn (see src/pipeline/parse.ts).
 */
class PageBytes implements BenchPage {
  constructor(
    readonly id: string,
    readonly url: string,
    readonly truth: string,
    readonly bytes: Buffer,
  ) {}

  get html(): string {
    return this.bytes.toString('utf8');
  }
}
