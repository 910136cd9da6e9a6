/**
 * The shape of a site rule (`config/sites/*.json`): everything newsworker knows about one site, as
 * data. The zod schema is the single declaration; the `SiteRule` type is inferred from it.
 */
import { z } from 'zod';

/** A CSS selector whose text is read, or `{selector, attr}` to read an attribute instead. */
const selectorSchema = z.union([
  z.string().min(1),
  z.strictObject({ selector: z.string().min(1), attr: z.string().min(1) }),
]);

/** Ordered: the first selector that matches something non-empty wins. */
const selectorListSchema = z.array(selectorSchema).min(1);

/** A regular expression given as a string; checked to compile when the rule is loaded. */
const regexSchema = z.string().min(1).superRefine((source, ctx) => {
  try {
    new RegExp(source, 'u');
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(err as Error).message}` });
  }
});

export const siteRuleSchema = z.strictObject({
  /** Human name of the rule, used in logs and `removed[].rule` labels. */
  name: z.string().min(1),
  /** Exact host names this rule is for (`www.koreaherald.com`). Looked up first. */
  hosts: z.array(z.string().min(1)).default([]),
  /** Registrable domains (`koreaherald.com`): any host under them matches, after exact hosts. */
  domains: z.array(z.string().min(1)).default([]),
  /**
   * Phrases that identify the site's pages when no URL is known (a file, stdin): a syndication
   * footer such as "Korea Herald daum". Matched against whole blocks of the page's text.
   */
  signatures: z.array(z.string().min(1)).default([]),
  /** The publisher to report when the page itself does not say. */
  publisher: z.string().min(1).optional(),
  selectors: z
    .strictObject({
      title: selectorListSchema.optional(),
      body: selectorListSchema.optional(),
      byline: selectorListSchema.optional(),
      date: selectorListSchema.optional(),
      publisher: selectorListSchema.optional(),
    })
    .default({}),
  /** Elements inside the body to drop before reading it (share bars, related lists...). */
  remove: z.array(z.string().min(1)).default([]),
  /** Whole blocks to strip, compared case-insensitively after folding whitespace. */
  phrases: z.array(z.string().min(1)).default([]),
  /** Site footers to strip from the end of the text (also used as `signatures`). */
  footers: z.array(z.string().min(1)).default([]),
  /** Title suffixes to strip (" - The Korea Herald"), beyond the generic site-name removal. */
  titleSuffixes: z.array(z.string().min(1)).default([]),
  captions: z
    .strictObject({
      /** Elements holding photo captions (beside `<figcaption>`). */
      selectors: z.array(z.string().min(1)).default([]),
      /** A pattern whose named group `credit` is the photo credit at the end of a caption. */
      credit: regexSchema.optional(),
    })
    .default({ selectors: [] }),
});

export type SiteRule = z.output<typeof siteRuleSchema>;
export type SiteRuleInput = z.input<typeof siteRuleSchema>;
export type RuleSelector = z.output<typeof selectorSchema>;
