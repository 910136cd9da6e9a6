/**
 * The site-rule path of the main-content stage: a rule's selectors say where the body, title,
 * byline, date and publisher are; its `remove` list drops widgets inside the body first; its
 * caption selectors mark photo captions that are not `<figcaption>`s.
 */
import type { Element } from 'domhandler';
import type { ParsedPage } from '../parse.js';
import type { Block } from '../types.js';
import type { RuleSelector, SiteRule } from '../../rules/schema.js';
import { elementToBlocks } from './blocks.js';

/** The first selector of the list that yields a non-empty value (text or attribute), or null. */
export function readRuleField(page: ParsedPage, selectors: readonly RuleSelector[] | undefined): string | null {
  if (!selectors) return null;
  const { $ } = page;
  for (const s of selectors) {
    const found = typeof s === 'string' ? $(s).first() : $(s.selector).first();
    if (found.length === 0) continue;
    const value = typeof s === 'string' ? found.text() : found.attr(s.attr);
    const folded = value?.replace(/\s+/g, ' ').trim();
    if (folded) return folded;
  }
  return null;
}

/**
 * The body as blocks by the rule's selectors, or null when the rule has no body selector or none
 * of them matches this page (the caller then falls back to the generic extractor).
 */
export function extractRuleContent(page: ParsedPage, rule: SiteRule, baseUrl: string | null): Block[] | null {
  const selectors = rule.selectors.body;
  if (!selectors) return null;
  const { $ } = page;
  for (const s of selectors) {
    const selector = typeof s === 'string' ? s : s.selector;
    const body = $(selector).first();
    if (body.length === 0 || body.text().trim() === '') continue;
    for (const r of rule.remove) body.find(r).remove();
    for (const c of rule.captions.selectors) {
      // A caption outside a <figure> is turned into one, so the block walk treats it as a photo.
      body.find(c).each((_, el) => {
        if ($(el).closest('figure').length > 0) return;
        const caption = $(el).text().trim();
        $(el).replaceWith($('<figure></figure>').append($('<figcaption></figcaption>').text(caption)));
      });
    }
    return elementToBlocks(body[0] as Element, { baseUrl });
  }
  return null;
}
