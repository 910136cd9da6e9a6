/**
 * Bylines to a list of names: one person or desk per entry, without "By ", roles, e-mail
 * addresses or profile URLs. The caller flattens JSON-LD author objects to strings first.
 */

/**
 * "By", "Written by", "Analysis by", "Reporting by", and the same lead-in in the other languages
 * of the corpus ("Von", "Por", "Текст:").
 */
const LEAD_IN = /^(?:(?:\p{L}+\s+)?by|von|por|autor(?:in)?|author|текст|автор)(?![\p{L}\p{N}])\s*:?\s*/iu;

/** Credits that name someone other than an author: "Editing by", "Photos by". */
const NOT_AUTHOR = /^(?:editing|edited|photos?|photographs|illustrations?|graphics|additional reporting)\s+by\b/i;

/** Name suffixes that follow a comma and belong to the name before it. */
const NAME_SUFFIX = /^(?:jr|sr|ii|iii|iv)\.?$/i;
/** Degrees and credentials after a comma ("Jane Doe, MS, RD"): not part of the byline. */
const CREDENTIAL = /^(?:phd|ph\.d|md|m\.d|ms|msc|ma|mba|mph|rd|rdn|rn|np|do|cpt|cscs|ld|esq|lcsw|dds|pharmd)\.?$/i;

/** Words that make a byline fragment a job title, not a name. */
const ROLE_WORDS =
  /\b(?:staff|writer|editor|editors|correspondent|reporter|contributor|contributing|columnist|producer|analyst|journalist|photographer|senior|chief|bureau|intern|freelance)\b/i;
/** Filler words that may sit among role words: "Special to the Times" is still no name. */
const ROLE_FILLER = /^(?:a|an|the|of|for|to|at|special|and)$/i;
/**
 * A fragment ending in a job title ("AP Sports Writer", "CNN Editor-at-large") is a role line.
 * "Staff" and "Bureau" are left out: "Reuters Staff" and "News Nation Bureau" name a desk.
 */
const ROLE_TAIL = /\b(?:writer|editor|correspondent|reporter|contributor|columnist|producer|analyst|journalist|photographer)(?:[-\s]at[-\s]large)?$/i;

/** "@handle" after a name, as social bylines print it. */
const HANDLE = /(?:^|\s)@\w+/g;
/** A date printed after the name: "JERUSALEM POST STAFF NOVEMBER 20", "Jane Doe Nov 18". */
const DATE_TAIL = /(?<!\s)\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b.*$/is;

const EMAIL = /(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const URL_LIKE = /\b(?:https?:\/\/|www\.)\S+/gi;
/** A byline that runs into a bio: "Jane Doe is a reporter at ...". */
const BIO_TAIL = /(?<!\s)\s+(?:is|was)\s+(?:a|an|the)\s.*$/is;
/** A role after a dash or bar: "Jane Doe - Staff Writer", "Jane Doe | Reporter". */
const TAIL_SEPARATOR = /(?<!\s)(?:\s+[-–—|/]\s+|\s*\|\s*)/;

/** Longest plausible single author entry; longer strings are sentences caught by accident. */
const MAX_NAME_LENGTH = 80;

export function normalizeAuthors(raw: string[]): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const value of raw) {
    for (const name of splitByline(value)) {
      const key = name.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      names.push(name);
    }
  }
  return names;
}

function splitByline(value: string): string[] {
  let text = value.replace(/\s+/g, ' ').trim();
  // A whole-URL author (article:author often holds a profile link) says nothing about the name.
  if (/^(?:https?:)?\/\//i.test(text)) return [];
  text = text.replace(EMAIL, ' ').replace(URL_LIKE, ' ').replace(HANDLE, ' ').replace(/\(\s*\)|\[\s*\]/g, ' ');
  text = text.replace(/\s+/g, ' ').trim().replace(BIO_TAIL, '');

  const pieces: string[] = [];
  for (const part of text.split(/(?<!\s)(?:\s*;\s*|\s+(?:and|und|et)\s+|\s*&\s*|\s*,\s*)/i)) {
    const previous = pieces.length - 1;
    if (CREDENTIAL.test(part) && previous >= 0) continue;
    if (NAME_SUFFIX.test(part) && previous >= 0) {
      pieces[previous] = `${pieces[previous]}, ${part}`;
      continue;
    }
    pieces.push(part);
  }
  const names: string[] = [];
  for (const piece of pieces) {
    const name = cleanName(piece);
    if (name !== null) names.push(name);
  }
  return names;
}

function cleanName(piece: string): string | null {
  let name = piece.trim();
  if (NOT_AUTHOR.test(name)) return null;
  // Strip the lead-in twice: "By: Written by Jane" happens when two templates stack.
  name = name.replace(LEAD_IN, '').replace(LEAD_IN, '');
  const separated = name.split(TAIL_SEPARATOR);
  if (separated.length > 1) {
    const kept = separated.filter((s) => !ROLE_WORDS.test(s));
    name = kept[0] ?? '';
  }
  name = name.replace(DATE_TAIL, '').replace(/^[\s\-–—|:·,.•*]+|(?<![\s\-–—|:·,•*])[\s\-–—|:·,•*]+$/g, '');
  if (name === '' || name.length > MAX_NAME_LENGTH) return null;
  // Digits mean a date, a time or "2 min read" caught with the byline, not a name.
  if (!/\p{L}/u.test(name) || /\d/.test(name) || ROLE_TAIL.test(name)) return null;
  return stripLeadingRoles(name);
}

/**
 * "Senior Writer Jane Doe" gives "Jane Doe"; "Staff Writer" alone gives null. A role after a
 * name ("Reuters Staff") is a desk, which the article format keeps.
 */
function stripLeadingRoles(name: string): string | null {
  if (!ROLE_WORDS.test(name)) return name;
  const words = name.split(' ');
  let start = 0;
  while (start < words.length && (ROLE_WORDS.test(words[start]!) || ROLE_FILLER.test(words[start]!))) start++;
  return start === words.length ? null : words.slice(start).join(' ');
}
