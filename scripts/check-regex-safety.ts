/**
 * ReDoS check for every regular expression that runs on untrusted page text: the literals and
 * `new RegExp("...")` strings in the cleaners, metadata and content stages, the RegExp values those
 * modules export (built from word lists, so only known at run time), and the patterns of
 * `config/boilerplate.json` and `config/sites/*.json`. Each goes through recheck, which reports a
 * pattern as vulnerable when some input makes its backtracking time grow exponentially or
 * polynomially (quadratic and worse) with the input length.
 *
 * recheck's fuzzer also flags patterns whose repetitions are bounded ({2,60}) and so are linear in
 * practice. A polynomial verdict is therefore confirmed by running the pattern on recheck's own
 * attack string grown to {@link CONFIRM_CHARS} characters, in a worker thread: it fails the check
 * if that takes over {@link CONFIRM_BUDGET_MS} (a quadratic pattern takes seconds there, a linear
 * one tens of milliseconds, leaving room for a loaded CI machine). Exponential verdicts and
 * undecided patterns always fail.
 *
 *   npm run check:regex        exit 1 naming file, line and pattern of each vulnerable one
 *
 * tests/security/regex-safety.test.ts runs the same check, so CI runs it with the test suite.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { check, type Diagnostics } from 'recheck';
import ts from 'typescript';

export interface FoundRegex {
  /** Path relative to the checkout. */
  file: string;
  /** 1-based; for JSON, the line holding the pattern string. */
  line: number;
  source: string;
  flags: string;
  /** How it was found: a literal, a `new RegExp` string, a module export, a JSON field. */
  origin: string;
}

export interface RegexVerdict extends FoundRegex {
  status: Diagnostics['status'];
  /** "exponential", "2nd degree polynomial"... when recheck says vulnerable. */
  complexity: string | null;
  /** A short attack string recheck built, when vulnerable. */
  attack: string | null;
  /** For a polynomial verdict: ms to match the attack grown to CONFIRM_CHARS (null: over budget, stopped). */
  confirmMs: number | null;
  /** True when the pattern fails the check: exponential, confirmed polynomial, or undecided. */
  unsafe: boolean;
}

/** Length of the grown attack string a polynomial verdict is confirmed on. */
export const CONFIRM_CHARS = 64 * 1024;
/** Matching the grown attack for longer than this confirms the verdict. */
export const CONFIRM_BUDGET_MS = 1_000;

/** Folders and files whose TypeScript runs regexes over page text. */
export const SOURCE_DIRS = ['src/pipeline/clean', 'src/pipeline/metadata', 'src/pipeline/content'];
export const SOURCE_FILES = ['src/pipeline/sanitize.ts', 'src/pipeline/text-blocks.ts', 'src/pipeline/decode.ts'];

function listFiles(dir: string, suffix: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path, suffix));
    else if (entry.name.endsWith(suffix)) out.push(path);
  }
  return out.sort();
}

/** Regex literals and `new RegExp(<string literal>, <flags literal>)` calls of one TypeScript file. */
export function regexesInSource(file: string, text: string): FoundRegex[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: FoundRegex[] = [];
  const lineOf = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const literal = node.getText(sf);
      const slash = literal.lastIndexOf('/');
      found.push({ file, line: lineOf(node), source: literal.slice(1, slash), flags: literal.slice(slash + 1), origin: 'literal' });
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'RegExp') {
      const [pattern, flags] = node.arguments ?? [];
      if (pattern !== undefined && ts.isStringLiteralLike(pattern)) {
        const flagText = flags !== undefined && ts.isStringLiteralLike(flags) ? flags.text : '';
        found.push({ file, line: lineOf(node), source: pattern.text, flags: flagText, origin: 'new RegExp' });
      }
      // Patterns built at run time are caught by regexesInExports (exported tables) or by the
      // JSON readers (config patterns compiled by boilerplate.ts and captions.ts).
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Declaration line of each top-level `const NAME`, to point at exported RegExp values. */
function declarationLines(file: string, text: string): Map<string, number> {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lines = new Map<string, number>();
  for (const statement of sf.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const decl of statement.declarationList.declarations) {
      if (ts.isIdentifier(decl.name)) lines.set(decl.name.text, sf.getLineAndCharacterOfPosition(decl.getStart(sf)).line + 1);
    }
  }
  return lines;
}

/** RegExp values a module exports: catches the tables assembled from word lists at load time. */
export async function regexesInExports(root: string, file: string): Promise<FoundRegex[]> {
  const mod = (await import(pathToFileURL(join(root, file)).href)) as Record<string, unknown>;
  const lines = declarationLines(file, readFileSync(join(root, file), 'utf8'));
  const found: FoundRegex[] = [];
  for (const [name, value] of Object.entries(mod)) {
    if (value instanceof RegExp) {
      found.push({ file, line: lines.get(name) ?? 1, source: value.source, flags: value.flags, origin: `export ${name}` });
    }
  }
  return found;
}

/** The 1-based line of the first occurrence of a JSON string value in the file's text. */
function jsonLine(text: string, value: string): number {
  const at = text.indexOf(JSON.stringify(value));
  return at === -1 ? 1 : text.slice(0, at).split('\n').length;
}

/** The three pattern lists of config/boilerplate.json, compiled there with the `iu` flags. */
export function regexesInBoilerplate(root: string): FoundRegex[] {
  const file = 'config/boilerplate.json';
  const text = readFileSync(join(root, file), 'utf8');
  const data = JSON.parse(text) as Record<string, unknown>;
  const found: FoundRegex[] = [];
  for (const field of ['copyrightPatterns', 'newsletterPatterns', 'socialPatterns']) {
    const list = data[field];
    if (!Array.isArray(list)) continue;
    for (const source of list) {
      if (typeof source === 'string') found.push({ file, line: jsonLine(text, source), source, flags: 'iu', origin: field });
    }
  }
  return found;
}

/** `captions.credit` of each site rule, compiled by the captions cleaner with the `u` flag. */
export function regexesInSiteRules(root: string): FoundRegex[] {
  const found: FoundRegex[] = [];
  for (const path of listFiles(join(root, 'config/sites'), '.json')) {
    const file = relative(root, path);
    const text = readFileSync(path, 'utf8');
    const rule = JSON.parse(text) as { captions?: { credit?: unknown } };
    const source = rule.captions?.credit;
    if (typeof source === 'string') found.push({ file, line: jsonLine(text, source), source, flags: 'u', origin: 'captions.credit' });
  }
  return found;
}

/** Every regex in scope, de-duplicated by file, source and flags. */
export async function collectRegexes(root: string): Promise<FoundRegex[]> {
  const all: FoundRegex[] = [];
  const files = [...SOURCE_DIRS.flatMap((dir) => listFiles(join(root, dir), '.ts').map((p) => relative(root, p))), ...SOURCE_FILES];
  for (const file of files) {
    all.push(...regexesInSource(file, readFileSync(join(root, file), 'utf8')));
    all.push(...(await regexesInExports(root, file)));
  }
  all.push(...regexesInBoilerplate(root), ...regexesInSiteRules(root));
  const seen = new Set<string>();
  return all.filter((r) => {
    const key = `${r.file}\0${r.source}\0${r.flags}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The attack string of a vulnerable diagnosis, its pumps repeated until it is about `chars` long. */
export function grownAttack(d: Extract<Diagnostics, { status: 'vulnerable' }>, chars: number): string {
  const { pumps, suffix } = d.attack;
  const pumped = pumps.reduce((n, p) => n + p.pump.length, 0);
  const fixed = pumps.reduce((n, p) => n + p.prefix.length, suffix.length);
  const times = Math.max(1, Math.ceil((chars - fixed) / Math.max(1, pumped)));
  return pumps.map((p) => p.prefix + p.pump.repeat(times)).join('') + suffix;
}

// Runs in a worker so that a pattern that really is catastrophic can be stopped.
const TIMING_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const re = new RegExp(workerData.source, workerData.flags);
const started = performance.now();
workerData.input.replace(re, '');
parentPort.postMessage(performance.now() - started);
`;

/** Milliseconds to search `input` with the pattern, or null when it ran past `budgetMs`. */
export function timeMatch(source: string, flags: string, input: string, budgetMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(TIMING_WORKER, { eval: true, workerData: { source, flags, input } });
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve(null);
    }, budgetMs * 4);
    worker.once('message', (ms: number) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(ms);
    });
    worker.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

async function judge(regex: FoundRegex): Promise<RegexVerdict> {
  // recheck's own timeout answers 'unknown' instead of hanging on a pattern it cannot decide; on a
  // loaded machine a decidable pattern can run out of time too, so it gets a second, longer try.
  let d = await check(regex.source, regex.flags, { timeout: 10_000 });
  if (d.status === 'unknown') d = await check(regex.source, regex.flags, { timeout: 60_000 });
  if (d.status !== 'vulnerable') {
    return { ...regex, status: d.status, complexity: null, attack: null, confirmMs: null, unsafe: d.status !== 'safe' };
  }
  const verdict = { ...regex, status: d.status, complexity: d.complexity.summary, attack: d.attack.pattern };
  if (d.complexity.type === 'exponential') return { ...verdict, confirmMs: null, unsafe: true };
  const confirmMs = await timeMatch(regex.source, regex.flags, grownAttack(d, CONFIRM_CHARS), CONFIRM_BUDGET_MS);
  return { ...verdict, confirmMs, unsafe: confirmMs === null || confirmMs > CONFIRM_BUDGET_MS };
}

/** Judges each regex, a few at a time (the analysis is CPU-bound; the machine has 2 cores). */
export async function checkRegexes(list: readonly FoundRegex[], concurrency = 2): Promise<RegexVerdict[]> {
  const verdicts: RegexVerdict[] = new Array<RegexVerdict>(list.length);
  let next = 0;
  const workerLoop = async (): Promise<void> => {
    while (next < list.length) {
      const i = next++;
      verdicts[i] = await judge(list[i]!);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, workerLoop));
  return verdicts;
}

export function describeVerdict(v: RegexVerdict): string {
  const where = `${v.file}:${v.line} (${v.origin})`;
  const pattern = `/${v.source}/${v.flags}`;
  if (v.status === 'unknown') return `${where}: ${pattern} could not be decided by recheck`;
  if (v.status === 'safe') return `${where}: ${pattern} is safe`;
  const grown = v.confirmMs === null ? `over ${CONFIRM_BUDGET_MS * 4} ms, stopped` : `${v.confirmMs.toFixed(1)} ms`;
  const timing = v.complexity?.startsWith('exponential') ? '' : `; its attack grown to ${CONFIRM_CHARS} chars matched in ${grown}`;
  const judgement = v.unsafe ? 'VULNERABLE' : 'flagged by recheck but linear in practice';
  return `${where}: ${pattern} ${judgement} (${v.complexity}${timing}); attack ${v.attack}`;
}

async function main(): Promise<void> {
  const root = process.cwd();
  const verdicts = await checkRegexes(await collectRegexes(root));
  const flagged = verdicts.filter((v) => v.status !== 'safe');
  const bad = flagged.filter((v) => v.unsafe);
  for (const v of flagged) (v.unsafe ? console.error : console.log)(describeVerdict(v));
  console.log(`check:regex: ${verdicts.length} regular expressions checked, ${bad.length} vulnerable, ${flagged.length - bad.length} flagged but linear`);
  process.exitCode = bad.length === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
