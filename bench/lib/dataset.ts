/** The shared scrapinghub-aeb pages and truth, decompressed once into memory. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export interface BenchPage {
  id: string;
  url: string;
  html: string;
  truth: string;
}

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The datasets live beside the checkout, read-only: `<project>/../shared/datasets/...`. */
export const DATASET_DIR = resolve(PROJECT_ROOT, '..', 'shared', 'datasets', 'scrapinghub-aeb');

/** All pages sorted by id; exits the process with a clear message if the dataset is missing. */
export function loadPages(): BenchPage[] {
  const truthPath = join(DATASET_DIR, 'ground-truth.json');
  if (!existsSync(truthPath)) {
    console.error(`scrapinghub-aeb dataset not found at ${DATASET_DIR} (expected ground-truth.json and html/*.html.gz)`);
    process.exit(1);
  }
  const truth = JSON.parse(readFileSync(truthPath, 'utf8')) as Record<string, { articleBody?: string; url?: string }>;
  const htmlDir = join(DATASET_DIR, 'html');
  const files = new Set(readdirSync(htmlDir));
  const pages: BenchPage[] = [];
  for (const id of Object.keys(truth).sort()) {
    const file = `${id}.html.gz`;
    if (!files.has(file)) continue;
    const entry = truth[id] ?? {};
    pages.push({
      id,
      url: entry.url ?? '',
      html: gunzipSync(readFileSync(join(htmlDir, file))).toString('utf8'),
      truth: entry.articleBody ?? '',
    });
  }
  return pages;
}
