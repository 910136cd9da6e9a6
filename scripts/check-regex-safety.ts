/**
 * ReDoS check for every regular expression that runs on untrusted page text: the literals and
 * `new RegExp("...")` strings in the cleaners, metadata and content stages, the RegExp values those
 * modules export (built from word lists, so only known at run time), and the patterns of
 * `config/boilerplate.json` and `config/sites/*.json`. Each goes through recheck, which reports a
 * pattern as vulnerable when some input makes its backtracking time grow exponentially or
 * polynomially (quadratic and worse) with the input length.
 *
 *   npm run check:regex        exit 1 naming file, line and pattern of each vulnerable one
 *
 * tests/security/regex-safety.test.ts runs the same check, so CI runs it with the test suite.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
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
  /** "exponential", "2nd degree polynomial"... when vulnerable. */
  complexity: string | null;
  /** A short attack string recheck built, when vulnerable. */
  attack: string | null;
}

/** Folders whose TypeScript runs regexes over page text. */
export const SOURCE_DIRS = ['src/pipeline/clean', 'src/pipeline/metadata', 'src/pipeline/content'];

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
  for (const dir of SOURCE_DIRS) {
    for (const path of listFiles(join(root, dir), '.ts')) {
      const file = relative(root, path);
      all.push(...regexesInSource(file, readFileSync(path, 'utf8')));
      all.push(...(await regexesInExports(root, file)));
    }
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

/** Runs recheck on each regex, a few at a time (the analysis is CPU-bound; the machine has 2 cores). */
export async function checkRegexes(list: readonly FoundRegex[], concurrency = 2): Promise<RegexVerdict[]> {
  const verdicts: RegexVerdict[] = new Array<RegexVerdict>(list.length);
  let next = 0;
  const workerLoop = async (): Promise<void> => {
    while (next < list.length) {
      const i = next++;
      const regex = list[i]!;
      // recheck's own timeout answers 'unknown' instead of hanging on a pattern it cannot decide.
      const d = await check(regex.source, regex.flags, { timeout: 10_000 });
      verdicts[i] = {
        ...regex,
        status: d.status,
        complexity: d.status === 'vulnerable' ? d.complexity.summary : null,
        attack: d.status === 'vulnerable' ? d.attack.pattern : null,
      };
    }
  };
  await Promise.all(Array.from({ length: concurrency }, workerLoop));
  return verdicts;
}

export function describeVerdict(v: RegexVerdict): string {
  const where = `${v.file}:${v.line} (${v.origin})`;
  const pattern = `/${v.source}/${v.flags}`;
  if (v.status === 'vulnerable') return `${where}: ${pattern} is vulnerable (${v.complexity}); attack ${v.attack}`;
  if (v.status === 'unknown') return `${where}: ${pattern} could not be decided by recheck`;
  return `${where}: ${pattern} is safe`;
}

async function main(): Promise<void> {
  const root = process.cwd();
  const verdicts = await checkRegexes(await collectRegexes(root));
  const bad = verdicts.filter((v) => v.status !== 'safe');
  for (const v of bad) console.error(describeVerdict(v));
  console.log(`check:regex: ${verdicts.length} regular expressions checked, ${bad.length} not proven safe`);
  process.exitCode = bad.length === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
