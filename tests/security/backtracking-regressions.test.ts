/**
 * The slow inputs found by the regex check and the fuzzing (tests/security/fixtures/
 * backtracking-cases.ts), each through its public entry point. Before their fixes each took from
 * seconds to forever (figures in the commit messages and case names). They run in a child process
 * that is killed at the deadline: a synchronous stall cannot be interrupted by a test timeout, and
 * would otherwise hang the whole suite instead of failing it.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CASES } from './fixtures/backtracking-cases.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/backtracking-cases.ts', import.meta.url));
/** All cases together, with tsx start-up, on a loaded machine; the old code needed minutes. */
const DEADLINE_MS = 45_000;

interface CaseResult {
  name: string;
  ms: number;
  ok: boolean;
  detail: string;
}

function runCases(): Promise<{ results: CaseResult[]; killed: boolean }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', FIXTURE], { cwd: ROOT, timeout: DEADLINE_MS }, (err, stdout) => {
      const results = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as CaseResult);
      resolve({ results, killed: err !== null && (err as { killed?: boolean }).killed === true });
    });
  });
}

describe('inputs that used to backtrack for seconds or forever', () => {
  it('each finishes, with the expected output', { timeout: DEADLINE_MS + 10_000 }, async () => {
    const { results, killed } = await runCases();
    const finished = new Set(results.map((r) => r.name));
    const stuck = Object.keys(CASES).filter((name) => !finished.has(name));
    expect(stuck, `still running when killed at ${DEADLINE_MS} ms (killed: ${killed})`).toEqual([]);
    for (const r of results) expect(r.ok, `${r.name}: got ${JSON.stringify(r.detail)}`).toBe(true);
    console.log(results.map((r) => `${r.name}: ${r.ms.toFixed(0)} ms`).join('\n'));
  });
});
