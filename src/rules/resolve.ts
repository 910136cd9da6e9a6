/**
 * Which site rule applies to a page. Lookup order: exact host, then registrable domain, then no
 * host rule (the generic path). Rules whose signature (a syndication footer such as "Korea Herald
 * daum") appears in the page's blocks are merged on top: a portal's layout rule says where the
 * body is, the signature rule says whose story it is and which footer to strip.
 */
import { getDomain } from 'tldts';
import type { LoadedSiteRule } from './load.js';

export function findHostRule(rules: readonly LoadedSiteRule[], host: string | null): LoadedSiteRule | null {
  if (!host) return null;
  const h = host.toLowerCase();
  const exact = rules.find((r) => r.hosts.some((x) => x.toLowerCase() === h));
  if (exact) return exact;
  const domain = getDomain(h);
  if (!domain) return null;
  return rules.find((r) => r.domains.some((d) => d.toLowerCase() === domain)) ?? null;
}

/** Folds case and whitespace so a signature matches however the page spaced it. */
export function foldForMatch(s: string): string {
  return s.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** Rules with a signature equal to one of the given block texts (the last blocks of a page). */
export function findSignatureRules(rules: readonly LoadedSiteRule[], blockTexts: readonly string[]): LoadedSiteRule[] {
  const texts = new Set(blockTexts.map(foldForMatch));
  return rules.filter((r) => r.signatures.some((s) => texts.has(foldForMatch(s))));
}

/**
 * Layers signature rules over the host rule. Lists concatenate; the signature rule's publisher wins,
 * as it knows whose story a syndicated copy is, while the host's selectors say where it sits.
 */
export function mergeRules(base: LoadedSiteRule | null, overlays: readonly LoadedSiteRule[]): LoadedSiteRule | null {
  let merged = base;
  for (const o of overlays) {
    if (merged === null) {
      merged = o;
      continue;
    }
    if (o === merged) continue;
    merged = {
      ...merged,
      name: `${merged.name} + ${o.name}`,
      file: `${merged.file} + ${o.file}`,
      publisher: o.publisher ?? merged.publisher,
      signatures: [...merged.signatures, ...o.signatures],
      remove: [...merged.remove, ...o.remove],
      phrases: [...merged.phrases, ...o.phrases],
      footers: [...merged.footers, ...o.footers],
      titleSuffixes: [...merged.titleSuffixes, ...o.titleSuffixes],
      captions: {
        selectors: [...merged.captions.selectors, ...o.captions.selectors],
        credit: o.captions.credit ?? merged.captions.credit,
      },
    };
  }
  return merged;
}
