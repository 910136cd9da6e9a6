import type { Block, CleanContext } from '../../src/pipeline/types.js';
import { emptyMetadata } from '../../src/pipeline/types.js';
import type { LoadedSiteRule } from '../../src/rules/load.js';
import { siteRuleSchema, type SiteRuleInput } from '../../src/rules/schema.js';

export function p(text: string, html?: string): Block {
  return { tag: 'p', text, html: html ?? text.replace(/&/g, '&amp;').replace(/</g, '&lt;') };
}

export function ctxWith(opts: { title?: string | null; rule?: SiteRuleInput } = {}): CleanContext {
  const rule: LoadedSiteRule | null = opts.rule ? { ...siteRuleSchema.parse(opts.rule), file: 'test.json' } : null;
  return {
    rule,
    metadata: emptyMetadata(),
    title: opts.title ?? null,
    authors: [],
    removed: [],
    dateline: null,
    agency: null,
    images: [],
  };
}

export const texts = (blocks: Block[]): string[] => blocks.map((b) => b.text);
