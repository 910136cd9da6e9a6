/**
 * Where the project's own data lives. The same code runs from `src/` (tsx, tests) and from the
 * built `dist/src/`, at different depths, so the package root is found by walking up to our
 * package.json rather than by a fixed `../..`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'newsworker') {
      cachedRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('newsworker: cannot find the package root (package.json named "newsworker")');
    dir = parent;
  }
}

/** The `config/` directory shipped with the package (site rules, boilerplate tables). */
export function configDir(): string {
  return join(packageRoot(), 'config');
}
