/**
 * How the benchmarks run. `npm run bench:*` compiles src/, jobs/ and bench/ with tsc
 * (tsconfig.bench.json, into .bench-build/) and runs the result under plain node: the runtime the
 * service itself runs in (`node bin/newsworker.js`, compiled JS). Under tsx the same code measures
 * the TypeScript loader too (about 35 MB of RSS in every process, and its own thread). Run straight
 * from the .ts sources (`node --import tsx bench/x.ts`) they still work, for a quick look.
 */
import { fileURLToPath } from 'node:url';

/**
 * The command line that starts the module at `relativePath` (written with its `.ts` name, relative
 * to `from`, the caller's `import.meta.url`) in a child process, the way this process runs: the
 * compiled `.js` under plain node, or the `.ts` under tsx.
 */
export function childScript(from: string, relativePath: string): string[] {
  const compiled = from.endsWith('.js');
  const path = fileURLToPath(new URL(compiled ? relativePath.replace(/\.ts$/, '.js') : relativePath, from));
  return compiled ? [path] : ['--import', 'tsx', path];
}

/** Says which runtime the numbers are from, for the benchmarks' output. */
export function runtimeNote(from: string): string {
  return from.endsWith('.js')
    ? `compiled JS under node ${process.version} (as the service runs)`
    : `TypeScript under tsx on node ${process.version} (the loader adds memory; npm run bench:* measures the compiled build)`;
}
