/**
 * The generic boilerplate vocabulary (`config/boilerplate.json`): phrases and patterns that mean
 * "not the article" on any site. Kept as data so that adding a phrase needs no code; validated and
 * compiled once, on first use.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { configDir } from '../../config/paths.js';
import { formatZodIssues } from '../../config/zod-issues.js';

const phraseList = z.array(z.string().min(1));

const boilerplateSchema = z.strictObject({
  navPhrases: phraseList,
  copyrightPatterns: phraseList,
  newsletterPatterns: phraseList,
  socialPatterns: phraseList,
  relatedHeadings: phraseList,
  relatedPrefixes: phraseList,
  /** Longer blocks are article text, whatever words they contain. */
  maxBoilerplateChars: z.number().int().positive(),
  /** Canonical agency name → the spellings that credit it. */
  agencies: z.record(z.string(), phraseList),
});

export interface Boilerplate {
  navPhrases: ReadonlySet<string>;
  copyright: readonly RegExp[];
  newsletter: readonly RegExp[];
  social: readonly RegExp[];
  relatedHeadings: ReadonlySet<string>;
  relatedPrefixes: readonly string[];
  maxBoilerplateChars: number;
  /** Lower-case spelling → canonical agency name. */
  agencyByAlias: ReadonlyMap<string, string>;
}

let cached: Boilerplate | undefined;

export function boilerplate(): Boilerplate {
  cached ??= loadBoilerplate(join(configDir(), 'boilerplate.json'));
  return cached;
}

export function loadBoilerplate(file: string): Boilerplate {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${file}: cannot read it as JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = boilerplateSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${file}: ${formatZodIssues(parsed.error)}`);
  const b = parsed.data;
  const compile = (field: string, sources: string[]) =>
    sources.map((source, i) => {
      try {
        return new RegExp(source, 'iu');
      } catch (err) {
        throw new ConfigError(`${file}: ${field}.${i}: not a valid regular expression: ${(err as Error).message}`);
      }
    });
  const agencyByAlias = new Map<string, string>();
  for (const [name, aliases] of Object.entries(b.agencies)) {
    agencyByAlias.set(name.toLowerCase(), name);
    for (const alias of aliases) agencyByAlias.set(alias.toLowerCase(), name);
  }
  return {
    navPhrases: new Set(b.navPhrases.map((p) => p.toLowerCase())),
    copyright: compile('copyrightPatterns', b.copyrightPatterns),
    newsletter: compile('newsletterPatterns', b.newsletterPatterns),
    social: compile('socialPatterns', b.socialPatterns),
    relatedHeadings: new Set(b.relatedHeadings.map((p) => p.toLowerCase())),
    relatedPrefixes: b.relatedPrefixes.map((p) => p.toLowerCase()),
    maxBoilerplateChars: b.maxBoilerplateChars,
    agencyByAlias,
  };
}
