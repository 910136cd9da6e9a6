/**
 * `import { extractArticle } from 'newsworker'` works from the built package, as users get it.
 * Builds first when dist/ is missing, so this never silently tests a stale or absent build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/run-cli.js';

beforeAll(() => {
  if (!existsSync(join(PROJECT_ROOT, 'dist/src/index.js'))) {
    execFileSync('npm', ['run', 'build'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  }
}, 120_000);

describe('the package entry', () => {
  it('exports extractArticle from the built dist/', () => {
    const script = `
      import { extractArticle } from 'newsworker';
      import { readFileSync } from 'node:fs';
      const a = extractArticle(readFileSync(process.argv[1]), { contentType: 'text/plain' });
      console.log(JSON.stringify({ type: typeof extractArticle, title: a.title, agency: a.agency }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, join(PROJECT_ROOT, 'tests/fixtures/pages/daum-koreaherald-tillerson-text/source.txt')], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({ type: 'function', title: 'Tillerson renews offer to talk with N. Korea', agency: 'Yonhap' });
  });

  it('the bin runs the built CLI', () => {
    const out = execFileSync(process.execPath, [join(PROJECT_ROOT, 'bin/newsworker.js'), 'extract', '--help'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(out).toMatch(/extract the clean article/);
  });
});
