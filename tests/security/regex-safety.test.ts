/**
 * No regular expression that runs on page text backtracks catastrophically: the same check as
 * `npm run check:regex` (scripts/check-regex-safety.ts), run here so that CI runs it. The first
 * tables show the checker itself can fail: known-vulnerable patterns are caught, fixed ones pass.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkRegexes,
  collectRegexes,
  describeVerdict,
  regexesInSource,
  type FoundRegex,
} from '../../scripts/check-regex-safety.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function found(source: string, flags = ''): FoundRegex {
  return { file: 'inline', line: 1, source, flags, origin: 'test' };
}

describe('the checker finds regexes in TypeScript source', () => {
  const table: Array<[code: string, expected: Array<[source: string, flags: string, line: number]>]> = [
    ['const A = /a+b/gi;', [['a+b', 'gi', 1]]],
    ["const B = new RegExp('x\\\\s*$', 'u');", [['x\\s*$', 'u', 1]]],
    ['\nconst C = s.replace(/\\/+$/, "");', [['\\/+$', '', 2]]],
    ['const D = new RegExp(words.join("|"));', []],
    ['const E = "/not a regex/";', []],
  ];
  it.each(table)('%s', (code, expected) => {
    const got = regexesInSource('inline.ts', code).map((r) => [r.source, r.flags, r.line]);
    expect(got).toEqual(expected);
  });
});

describe('the checker tells vulnerable patterns from safe ones', () => {
  const table: Array<[source: string, flags: string, unsafe: boolean]> = [
    ['^(a+)+$', '', true], // exponential
    ['[?#].*$', '', true], // quadratic: '#' x n then a newline (json-ld.ts before its fix)
    ['}\\s*,?\\s*{', 'g', true], // quadratic: two \s* split one run (json-ld.ts before its fix)
    ['\\s*\\(([^()]{2,40})\\)\\s*$', 'u', true], // quadratic: restarted in a run (agency.ts before)
    ['(?<!\\s)\\s*\\(([^()]{2,40})\\)\\s*$', 'u', false], // the fix
    ['}\\s*(?:,\\s*)?{', 'g', false],
    ['^abc$', '', false],
  ];
  it.each(table)('/%s/%s unsafe: %s', { timeout: 60_000 }, async (source, flags, unsafe) => {
    const [verdict] = await checkRegexes([found(source, flags)], 1);
    expect(verdict!.unsafe, describeVerdict(verdict!)).toBe(unsafe);
  });
});

describe('regexes of the clean, metadata and content stages and the config patterns', () => {
  it('none is vulnerable to catastrophic backtracking', { timeout: 240_000 }, async () => {
    const regexes = await collectRegexes(ROOT);
    // The scan must actually see the code: the cleaners alone hold dozens of patterns.
    expect(regexes.length).toBeGreaterThan(100);
    expect(regexes.some((r) => r.file === 'config/boilerplate.json')).toBe(true);
    expect(regexes.some((r) => r.origin.startsWith('export '))).toBe(true);
    const verdicts = await checkRegexes(regexes);
    const vulnerable = verdicts.filter((v) => v.unsafe).map(describeVerdict);
    expect(vulnerable, `vulnerable regexes:\n${vulnerable.join('\n')}`).toEqual([]);
  });
});
