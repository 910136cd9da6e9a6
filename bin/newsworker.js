#!/usr/bin/env node
// The installed command. It runs the built CLI; `npm run build` makes dist/.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/run.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('newsworker: not built yet: run `npm run build` in the project first\n');
  process.exit(2);
}
await import(entry.href);
