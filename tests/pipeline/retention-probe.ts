/**
 * Run by parse-retention.test.ts in a child process with --expose-gc: parses pages one at a time
 * and, after each, runs two young-generation collections, the number a young object needs to be
 * promoted. What the old generation grows by is what a finished page left reachable to the minor
 * collector. Prints `{ pages, retainedBytesPerPage, pageBytes }` as JSON.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapSpaceStatistics } from 'node:v8';
import { gunzipSync } from 'node:zlib';
import { parseHtml } from '../../src/pipeline/parse.js';

const gc = (globalThis as { gc?: (options?: { type: 'minor' | 'major' }) => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

const dataset = join(import.meta.dirname, '../../../shared/datasets/scrapinghub-aeb/html');
const pages = readdirSync(dataset)
  .filter((file) => file.endsWith('.html.gz'))
  .sort()
  .slice(0, 60)
  .map((file) => gunzipSync(readFileSync(join(dataset, file))));

function oldGenerationBytes(): number {
  return getHeapSpaceStatistics()
    .filter((space) => space.space_name === 'old_space' || space.space_name === 'large_object_space')
    .reduce((sum, space) => sum + space.space_used_size, 0);
}

// The call returns before the collections: nothing of the page is on the stack.
function parseOne(bytes: Buffer): number {
  return parseHtml(bytes.toString('utf8')).document.children.length;
}

for (const bytes of pages.slice(0, 20)) parseOne(bytes);
gc({ type: 'major' });
const before = oldGenerationBytes();
const measured = pages.slice(20);
for (const bytes of measured) {
  parseOne(bytes);
  gc({ type: 'minor' });
  gc({ type: 'minor' });
}
const retained = oldGenerationBytes() - before;
const pageBytes = measured.reduce((sum, bytes) => sum + bytes.length, 0) / measured.length;
console.log(JSON.stringify({ pages: measured.length, retainedBytesPerPage: retained / measured.length, pageBytes }));
