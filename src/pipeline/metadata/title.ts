/**
 * Headlines without the site's name: "Title - The Korea Herald" gives "Title". Only a part that
 * names the site is removed (the caller knows the names: og:site_name, publisher, host words),
 * because a dash or a colon inside a headline is common and must stay.
 */

/** Separators between headline and site name; the colon only counts when followed by a space. */
const SEPARATOR = /(?<!\s)(?:\s+[-|–—·»:]{1,2}\s+|\s*[|·»]\s*)|:\s+/g;

/** Words that may accompany the site name in its part: "The Korea Herald", "CNN Business". */
const MAX_EXTRA_WORDS = 1;

interface TitlePart {
  text: string;
  /** Offset of the part's text in the raw title. */
  start: number;
  end: number;
}

/** Removes a leading or trailing part naming the site; never leaves fewer than two words. */
export function cleanTitle(raw: string, siteNames: string[]): string {
  const title = raw.replace(/\s+/g, ' ').trim();
  const keys = siteKeys(siteNames);
  if (keys.length === 0) return title;
  let parts = splitParts(title);
  // A colon also opens headlines ("AP sources: ..."), so a part it sets off must be exactly the
  // site name, without the extra word other separators allow.
  const extraWords = (a: TitlePart, b: TitlePart): number =>
    title.slice(a.end, b.start).trim() === ':' ? 0 : MAX_EXTRA_WORDS;
  // Strip from both ends, repeatedly: "Title | Section | Site" loses only what names the site.
  while (parts.length > 1) {
    const last = parts[parts.length - 1]!;
    if (!namesSite(last.text, keys, extraWords(parts[parts.length - 2]!, last))) break;
    parts = parts.slice(0, -1);
  }
  while (parts.length > 1 && namesSite(parts[0]!.text, keys, extraWords(parts[0]!, parts[1]!))) parts = parts.slice(1);
  const cleaned = title.slice(parts[0]!.start, parts[parts.length - 1]!.end).trim();
  return substantial(cleaned) ? cleaned : title;
}

/**
 * The h1 when it is the headline part of the title: "Title | Site" with h1 "Title". The h1 alone
 * can be the site logo, so it only wins when the title confirms it.
 */
export function preferHeading(title: string, heading: string | null): string {
  if (heading === null) return title;
  const h1 = heading.replace(/\s+/g, ' ').trim();
  if (!substantial(h1) || h1 === title) return title;
  const h1Key = comparable(h1);
  for (const part of splitParts(title)) {
    if (comparable(part.text) === h1Key) return h1;
  }
  // A title that starts or ends with the h1 and a separator: the rest is site or section.
  const titleKey = comparable(title);
  if (titleKey.startsWith(h1Key) || titleKey.endsWith(h1Key)) {
    const rest = titleKey.startsWith(h1Key) ? title.slice(h1.length) : title.slice(0, title.length - h1.length);
    if (/^\s*[-|–—·»:]/.test(rest) || /[-|–—·»:]\s*$/.test(rest)) return h1;
  }
  return title;
}

function splitParts(title: string): TitlePart[] {
  const parts: TitlePart[] = [];
  let start = 0;
  for (const match of title.matchAll(SEPARATOR)) {
    const end = match.index;
    if (end > start) parts.push({ text: title.slice(start, end), start, end });
    start = end + match[0].length;
  }
  if (start < title.length) parts.push({ text: title.slice(start), start, end: title.length });
  return parts.length > 0 ? parts : [{ text: title, start: 0, end: title.length }];
}

/** A site name as letters and digits only, lower-case: "The Korea Herald" → "thekoreaherald". */
function siteKeys(siteNames: string[]): string[] {
  const keys = new Set<string>();
  for (const name of siteNames) {
    const key = comparable(name);
    if (key.length >= 2) keys.add(key);
    // "The Korea Herald" must also match a title part "Korea Herald".
    if (key.startsWith('the') && key.length > 5) keys.add(key.slice(3));
  }
  return [...keys];
}

/**
 * True when the part is the site name, give or take one word ("CNN Business", "The Korea
 * Herald", "Reuters.com"): the site name must cover a run of the part's words.
 */
function namesSite(part: string, keys: string[], maxExtraWords: number): boolean {
  const words = part.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
  if (words.length === 0) return false;
  for (const key of keys) {
    for (let from = 0; from < words.length; from++) {
      let joined = '';
      for (let to = from; to < words.length && joined.length < key.length; to++) {
        joined += words[to];
        if (joined === key && words.length - (to - from + 1) <= maxExtraWords) return true;
      }
    }
  }
  return false;
}

function comparable(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * Two words at least, so a title is never cut down to a lone word; scripts written without
 * spaces (Chinese, Japanese) count characters instead.
 */
function substantial(text: string): boolean {
  if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text)) return text.length >= 5;
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length >= 2;
}
