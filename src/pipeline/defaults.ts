/**
 * What `extractArticle` uses when the caller gives nothing else: the site rules shipped in
 * `config/sites`, loaded once, and the extractor's name, which carries a digest of the rules and
 * the boilerplate tables so that a stored article says which rules produced it.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { configDir, packageRoot } from '../config/paths.js';
import { loadSiteRules, type LoadedSiteRule } from '../rules/load.js';

let rules: LoadedSiteRule[] | undefined;
let name: string | undefined;

export function defaultSiteRules(): LoadedSiteRule[] {
  rules ??= loadSiteRules();
  return rules;
}

export function extractorName(): string {
  if (name !== undefined) return name;
  const version = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version as string;
  const hash = createHash('sha256');
  const sites = join(configDir(), 'sites');
  for (const file of readdirSync(sites).sort()) hash.update(file).update(readFileSync(join(sites, file)));
  hash.update(readFileSync(join(configDir(), 'boilerplate.json')));
  name = `newsworker/${version} rules/${hash.digest('hex').slice(0, 12)}`;
  return name;
}
