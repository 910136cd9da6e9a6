/**
 * Loads the site rules of a directory (`config/sites/*.json|yaml`), validating each file on load.
 * A bad rule stops loading with the file, the field and what was expected, so an operator finds a
 * typo before it silently changes what gets extracted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors.js';
import { formatZodIssues } from '../config/zod-issues.js';
import { configDir } from '../config/paths.js';
import { siteRuleSchema, type SiteRule } from './schema.js';

export interface LoadedSiteRule extends SiteRule {
  /** The file it came from, for messages and `removed[].rule` labels. */
  file: string;
}

const RULE_FILE = /\.(json|ya?ml)$/i;

export function loadSiteRules(dir: string = join(configDir(), 'sites')): LoadedSiteRule[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => RULE_FILE.test(n)).sort();
  } catch (err) {
    throw new ConfigError(`cannot read the site rules directory ${dir}: ${(err as Error).message}`, { cause: err });
  }
  return names.map((name) => loadRuleFile(join(dir, name)));
}

function loadRuleFile(file: string): LoadedSiteRule {
  let raw: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    raw = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (raw !== null && typeof raw === 'object' && '$schema' in raw) {
    // Editors use `$schema` for completion; it is not part of the rule.
    const { $schema: _ignored, ...rest } = raw as Record<string, unknown>;
    raw = rest;
  }
  const parsed = siteRuleSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`${file}: invalid site rule: ${formatZodIssues(parsed.error)}`);
  }
  return { ...parsed.data, file };
}
