/**
 * Named tables of the class/id and text hints the generic extractor uses. Kept apart from the
 * algorithm so they can be read, reviewed and extended in one place.
 *
 * Matching is against `class` and `id` lower-cased. Short words are matched as whole tokens
 * (split on space, `-` and `_`), long distinctive ones as substrings.
 */

const token = (words: string[]): RegExp => new RegExp(`(?:^|[\\s_-])(?:${words.join('|')})(?:$|[\\s_-])`);
const substring = (words: string[]): RegExp => new RegExp(words.join('|'));

/**
 * Regions that are never the article: pruned before scoring unless a positive hint also matches
 * or they hold the headline (a page wrapper with an unlucky class name).
 */
export const UNLIKELY_SUBSTRINGS = substring([
  'comment', 'disqus', 'newsletter', 'related', 'recommend', 'outbrain', 'taboola',
  'popular', 'mostread', 'most-read', 'trending', 'breadcrumb', 'social', 'sharing', 'share-',
  'sharebar', 'share_', 'cookie', 'consent', 'advert',
  'jump-link', 'skip-link', 'read-more', 'readmore', 'more-stories', 'more-from', 'also-read',
  'next-article', 'newsfeed', 'byline', 'author',
]);
export const UNLIKELY_TOKENS = token([
  'ad', 'ads', 'adv', 'dfp', 'gpt', 'share', 'shares', 'nav', 'follow', 'login', 'donate', 'bio',
  'inline-related', 'credit', 'credits', 'sr-only', 'visually-hidden', 'screen-reader-text',
  'dek', 'standfirst', 'kicker', 'eyebrow',
]);

/**
 * Layout words: a sidebar or a widget, but also, on many sites, the column that wraps the story
 * ("main-with-rail", "widget-container", "subscriber-only", "sponsored-content"). Pruned only
 * when the element holds little prose.
 */
export const LAYOUT_SUBSTRINGS = substring([
  'sidebar', 'rail', 'widget', 'masthead', 'banner', 'modal', 'popup', 'menu', 'navbar', 'footer',
  'pagination', 'promo', 'paywall', 'subscri', 'signup', 'sign-up', 'sponsor',
]);
export const LAYOUT_TOKENS = token([
  'header', 'headline', 'title', 'meta', 'date', 'timestamp', 'published', 'updated', 'tags',
  'tag', 'topics', 'keywords', 'tools', 'toolbar',
  'print', 'hide', 'hidden',
]);

/** Words that mark the article body: they protect an element from the unlikely tables. */
export const LIKELY_CONTENT = substring([
  'article', 'body', 'content', 'entry', 'story', 'post-text', 'post_text', 'posttext', 'main',
  'text', 'blog', 'prose', 'rich-text', 'richtext',
]);

/** Roles that are never the article. */
export const UNLIKELY_ROLES: ReadonlySet<string> = new Set([
  'navigation', 'complementary', 'contentinfo', 'banner', 'menu', 'menubar', 'dialog', 'alertdialog', 'search',
]);

/** Short lines that are page furniture however they are marked up. */
export const FURNITURE_LINE = new RegExp(
  [
    '^(?:by|por|von|par|di|from)\\s+[\\p{Lu}][^.!?]{0,80}$', // "By Jane Doe and John Roe"
    '^(?:published|updated|posted|last updated|first published|modified)\\b.{0,80}$',
    '^(?:share|share this|share on|tweet|email|print|follow us|comments?|advert|advertisement|ad|sponsored|tags)\\b.{0,40}$',
    '^(?:read more|read next|see also|related|more from|recommended|you may also like|most read|most popular|trending)\\b.{0,120}$',
    '^(?:sign up|subscribe|get the|download the|click here|listen to|watch:|video:|photo:|image:|getty images|ap photo|reuters/)',
    '^(?:image|photo|picture)\\s*(?:copyright|credit|source)\\b',
    '^(?:back to top|top of page|scroll to top|skip to (?:main )?content)$',
    // Contact and follow lines closing a story: "Email Jane Doe at jd@paper.example or follow her..."
    '^(?:follow|like) (?:us|him|her|them|[\\p{Lu}][\\p{L}\'’]+(?:\\s[\\p{Lu}][\\p{L}\'’]+){0,4}) on (?:twitter|facebook|instagram|linkedin)',
    '^(?:e-?mail|contact|reach) [^@.]{0,80}@\\S',
    '^have a (?:news )?tip\\b',
  ].join('|'),
  'iu',
);

/**
 * A short line holding a year and a clock time and no sentence: a timestamp in any language
 * ("segunda-feira, 22 de janeiro de 2018 às 0:13"). Checked on lines of up to DATE_TIME_LINE_MAX_CHARS.
 */
export const DATE_TIME_LINE = /^(?=.*\b(?:19|20)\d{2}\b)(?=.*\b\d{1,2}[:h]\d{2}\b)[^!?]*(?<!\p{L}{3}\.)$/u;
export const DATE_TIME_LINE_MAX_CHARS = 60;

/** Legal small print: dropped up to LEGAL_LINE_MAX_CHARS, longer than other furniture. */
export const LEGAL_LINE = /^(?:©|\(c\)\s*\d{4}|copyright\b|all rights reserved)/i;

/**
 * A line that is only a date or a time ("Nov 28, 2026 10:04 AM ET", "2026-11-28 10:04"). The
 * letters after a day or month abbreviation are bounded ("wed" + "nesday", "sep" + "tember"):
 * two unbounded runs side by side backtrack quadratically.
 */
export const DATE_ONLY_LINE =
  /^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6},?\s*)?(?:\d{1,4}[-/.\s]\d{1,2}[-/.\s]\d{1,4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.?,?\s+\d{4})(?:[\s,|-]*(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[a-z]{2,4})?)?\.?$/i;

/**
 * Headings that announce what follows as other stories. The extractor stops the body at such a
 * heading once some body text came before it. Several languages: the markup is not always hinted.
 */
export const RELATED_HEADING = new RegExp(
  [
    // en
    '^(?:related(?: (?:stories|articles|posts|coverage|news|content|reading))?|you (?:may|might) (?:also )?(?:like|enjoy)|more (?:stories|from|on|news|to read)\\b|recommended(?: for you)?|read (?:more|next)|most (?:read|popular|viewed)|trending(?: now)?|don.t miss|popular (?:stories|posts)|also read|latest (?:news|stories))',
    // pt, es, it, fr, de
    '^(?:voc[eê] (?:pode|tamb[eé]m pode) gostar|leia (?:tamb[eé]m|mais)|veja (?:tamb[eé]m|mais)|mat[eé]rias? relacionadas?|not[ií]cias relacionadas|te puede interesar|lee tambi[eé]n|m[aá]s noticias|leggi anche|potrebbe interessarti|articoli correlati|(?:[àa] )?lire aussi|sur le m[eê]me sujet|mehr zum thema|das k[öo]nnte sie auch interessieren|weitere artikel)',
  ]
    .map((alternatives) => `(?:${alternatives})\\s*[:.…!]*$`)
    .join('|'),
  'iu',
);
