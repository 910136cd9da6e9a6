/**
 * The scrapinghub article-extraction-benchmark metric, ported from its `evaluate.py`: 4-gram
 * shingles of `\w+` tokens (Unicode-aware, as Python's `re` is), per-page TP/FP/FN normalised to
 * sum 1, precision and recall averaged over pages, F1 of those means, exact-token accuracy, and a
 * bootstrap standard deviation for each.
 */
import { seededRandom } from '../../tests/helpers/seeded-random.js';

// Python 3 `\w` = str.isalnum() or "_": letters and numbers, not combining marks.
const TOKEN = /[\p{L}\p{N}_]+/gu;
const SHINGLE_SIZE = 4;

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

function shingles(text: string): Map<string, number> {
  const tokens = tokenize(text);
  const counts = new Map<string, number>();
  // As upstream: a text shorter than n tokens is one (short) shingle; an empty text has none.
  const last = Math.max(1, tokens.length - SHINGLE_SIZE + 1);
  for (let i = 0; i < last; i++) {
    const shingle = tokens.slice(i, i + SHINGLE_SIZE);
    if (shingle.length === 0) continue;
    const key = shingle.join('\u0000');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export interface PageScore {
  tp: number;
  fp: number;
  fn: number;
  exact: boolean;
}

export function scorePage(truth: string, predicted: string): PageScore {
  const t = shingles(truth);
  const p = shingles(predicted);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [key, trueCount] of t) {
    const predCount = p.get(key) ?? 0;
    tp += Math.min(trueCount, predCount);
    fn += Math.max(0, trueCount - predCount);
  }
  for (const [key, predCount] of p) fp += Math.max(0, predCount - (t.get(key) ?? 0));
  const sum = tp + fp + fn;
  if (sum > 0) {
    tp /= sum;
    fp /= sum;
    fn /= sum;
  }
  const a = tokenize(truth);
  const b = tokenize(predicted);
  const exact = a.length === b.length && a.every((token, i) => token === b[i]);
  return { tp, fp, fn, exact };
}

export interface Summary {
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
}

function mean(values: number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

export function summarize(pages: PageScore[]): Summary {
  const precision = mean(pages.filter((s) => s.tp + s.fp > 0).map((s) => s.tp / (s.tp + s.fp)));
  const recall = mean(pages.filter((s) => s.tp + s.fn > 0).map((s) => s.tp / (s.tp + s.fn)));
  return {
    precision,
    recall,
    f1: (2 * precision * recall) / (precision + recall),
    accuracy: mean(pages.map((s) => (s.exact ? 1 : 0))),
  };
}

/** Population std (numpy's default) of each metric over `rounds` resamples of the pages. */
export function bootstrapStd(pages: PageScore[], rounds = 1000, seed = 42): Summary {
  const random = seededRandom(seed);
  const samples: Summary[] = [];
  for (let r = 0; r < rounds; r++) {
    const resample: PageScore[] = [];
    for (let i = 0; i < pages.length; i++) resample.push(pages[Math.floor(random() * pages.length)] as PageScore);
    samples.push(summarize(resample));
  }
  const std = (values: number[]): number => {
    const m = mean(values);
    return Math.sqrt(mean(values.map((v) => (v - m) ** 2)));
  };
  return {
    precision: std(samples.map((s) => s.precision)),
    recall: std(samples.map((s) => s.recall)),
    f1: std(samples.map((s) => s.f1)),
    accuracy: std(samples.map((s) => s.accuracy)),
  };
}
