/**
 * Extraction quality on the scrapinghub article-extraction-benchmark pages, with that benchmark's
 * own metric, beside @mozilla/readability on linkedom as the reference. Reports; never fails.
 *
 *   npm run bench:quality            table only
 *   npm run bench:quality -- --worst 10   also the ten lowest-F1 pages (for iterating)
 */
import { loadPages } from './lib/dataset.js';
import { genericExtractor, ourExtractor, readabilityExtractor, type Extractor } from './lib/extractors.js';
import { bootstrapStd, scorePage, summarize, type PageScore } from './lib/metric.js';

/** F1 our extractor should reach with site rules switched off. */
const TARGET_F1 = 0.965;

interface Row {
  name: string;
  givesTitle: boolean;
  scores: PageScore[];
  titles: number;
}

function run(extractor: Extractor, pages: ReturnType<typeof loadPages>): Row {
  const scores: PageScore[] = [];
  let titles = 0;
  for (const page of pages) {
    let text = '';
    try {
      const result = extractor.extract(page);
      text = result.text;
      if (result.title !== null) titles++;
    } catch (error) {
      console.error(`${extractor.name} threw on ${page.id}: ${(error as Error).message}`);
    }
    scores.push(scorePage(page.truth, text));
  }
  return { name: extractor.name, givesTitle: extractor.givesTitle, scores, titles };
}

const fmt = (value: number, std: number): string => `${value.toFixed(3)} ± ${std.toFixed(3)}`;

async function main(): Promise<void> {
  const pages = loadPages();
  const oursExtractor = ourExtractor();
  const ours = run(oursExtractor, pages);
  // The content stage alone as well, once the pipeline is what "ours" scores: shows what the
  // cleaning stage adds or costs.
  const stage = oursExtractor === genericExtractor ? null : run(genericExtractor, pages);
  const reference = run(readabilityExtractor, pages);
  const referenceF1 = summarize(reference.scores).f1;

  const header = ['extractor', 'precision', 'recall', 'F1', 'accuracy', 'F1 vs ref', 'with title'];
  const rows = [ours, ...(stage === null ? [] : [stage]), reference].map((row) => {
    const m = summarize(row.scores);
    const s = bootstrapStd(row.scores);
    return [row.name, fmt(m.precision, s.precision), fmt(m.recall, s.recall), fmt(m.f1, s.f1), fmt(m.accuracy, s.accuracy),
      (m.f1 / referenceF1).toFixed(3), row.givesTitle ? `${row.titles}/${pages.length}` : '-'];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
  console.log(`scrapinghub-aeb: ${pages.length} pages`);
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));

  const f1 = summarize(ours.scores).f1;
  console.log(`\n${f1 >= TARGET_F1 ? 'PASS' : 'MISS'} F1 ${f1.toFixed(3)} (target >= ${TARGET_F1})`);

  const worstIndex = process.argv.indexOf('--worst');
  if (worstIndex !== -1) {
    const count = Number(process.argv[worstIndex + 1] ?? 10);
    const perPage = ours.scores.map((s, i) => {
      const p = s.tp + s.fp > 0 ? s.tp / (s.tp + s.fp) : 0;
      const r = s.tp + s.fn > 0 ? s.tp / (s.tp + s.fn) : 0;
      return { id: (pages[i] as { id: string }).id, url: (pages[i] as { url: string }).url, p, r, f: p + r > 0 ? (2 * p * r) / (p + r) : 0 };
    });
    perPage.sort((a, b) => a.f - b.f);
    for (const w of perPage.slice(0, count)) console.log(`${w.f.toFixed(3)} P=${w.p.toFixed(3)} R=${w.r.toFixed(3)} ${w.id.slice(0, 12)} ${w.url}`);
  }
}

await main();
