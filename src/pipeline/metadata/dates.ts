/**
 * Dates as pages write them, to one UTC form: `2017-08-22T21:05:00.000Z` (what
 * `Date#toISOString` gives, millis always present).
 *
 * Hand-written rather than `Date.parse`, because `Date.parse` reads a date without an offset in
 * the process's local zone, and the pipeline must give the same answer on every machine: a
 * value without an offset is taken as UTC here.
 */

/** Earliest plausible publication year; older values are template defaults or epoch noise. */
const MIN_YEAR = 1990;
/** A value this far ahead of "now" is a typo or a placeholder, not a publication date. */
const MAX_AHEAD_MS = 366 * 24 * 3600 * 1000;

/**
 * Offsets in minutes of the abbreviations news pages actually print. Ambiguous ones resolve to
 * the reading most news sites mean (IST: India, BST: British Summer Time).
 */
const ZONE_OFFSETS: Readonly<Record<string, number>> = {
  Z: 0, UT: 0, UTC: 0, GMT: 0, WET: 0,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  AKST: -540, AKDT: -480, HST: -600,
  BST: 60, CET: 60, CEST: 120, MET: 60, MEST: 120, WEST: 60, EET: 120, EEST: 180, MSK: 180,
  IST: 330, PKT: 300, WIB: 420, ICT: 420, HKT: 480, SGT: 480, PHT: 480, AWST: 480,
  KST: 540, JST: 540, ACST: 570, AEST: 600, AEDT: 660, NZST: 720, NZDT: 780,
};

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10,
  nov: 11, dec: 12,
};

/** YYYY-MM-DD or YYYY/MM/DD, optionally a time, optionally an offset or zone name. */
const NUMERIC_DATE =
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:(?:T|\s+|T\s*)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?|\(?[A-Za-z]{2,5}\)?(?:\s*[+-]\d{1,2}(?::?\d{2})?)?)?$/;
/** Day-first with dots, as German and Russian pages write it: 19.11.2019 10:30. */
const DOTTED_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
/** Compact ISO: 20191119 or 20191119T103000Z. */
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?)?(Z)?$/;

const TIME_OF_DAY = /\b(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap])\.?\s?m\b\.?|\b(\d{1,2}):(\d{2})(?::(\d{2}))?/i;
const NUMERIC_OFFSET = /(?:GMT|UTC|(?<!\s))\s*([+-])(\d{2}):?(\d{2})\b|(?:GMT|UTC)([+-])(\d{1,2})\b/;

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Minutes east of UTC. */
  offset: number;
}

/**
 * A date string to UTC ISO 8601, or null when it is not a plausible publication date.
 * `now` is a parameter so the "not in the future" bound can be tested.
 */
export function toUtcIso(value: string, now: number = Date.now()): string | null {
  const text = value.trim();
  if (text === '' || text.length > 100) return null;
  const parts = parseEpoch(text) ?? parseNumeric(text) ?? parseDotted(text) ?? parseCompact(text) ??
    parseTextual(text) ?? parseEmbedded(text);
  if (parts === null) return null;
  return partsToIso(parts, now);
}

function partsToIso(p: Parts, now: number): string | null {
  if (p.month < 1 || p.month > 12 || p.day < 1 || p.day > 31) return null;
  if (p.hour > 24 || p.minute > 59 || p.second > 60) return null;
  const local = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, Math.min(p.second, 59));
  const check = new Date(Date.UTC(p.year, p.month - 1, p.day));
  // Date.UTC rolls 31 April over to 1 May; a day the month does not have is not a date.
  if (check.getUTCDate() !== p.day || check.getUTCMonth() !== p.month - 1) return null;
  const ms = local - p.offset * 60_000;
  if (new Date(ms).getUTCFullYear() < MIN_YEAR || ms > now + MAX_AHEAD_MS) return null;
  return new Date(ms).toISOString();
}

function parseEpoch(text: string): Parts | null {
  // Seconds (10 digits) or milliseconds (13) since 1970, as some CMSs put in meta tags.
  if (!/^\d{10}(?:\d{3})?$/.test(text)) return null;
  const ms = text.length === 10 ? Number(text) * 1000 : Number(text);
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), offset: 0,
  };
}

function parseNumeric(text: string): Parts | null {
  const m = NUMERIC_DATE.exec(text);
  if (m === null) return null;
  const offset = m[7] === undefined ? 0 : zoneOffset(m[7]);
  if (offset === null) return null;
  return {
    year: Number(m[1]), month: Number(m[2]), day: Number(m[3]),
    hour: Number(m[4] ?? 0), minute: Number(m[5] ?? 0), second: Number(m[6] ?? 0), offset,
  };
}

function parseDotted(text: string): Parts | null {
  const m = DOTTED_DATE.exec(text);
  if (m === null) return null;
  return {
    year: Number(m[3]), month: Number(m[2]), day: Number(m[1]),
    hour: Number(m[4] ?? 0), minute: Number(m[5] ?? 0), second: Number(m[6] ?? 0), offset: 0,
  };
}

function parseCompact(text: string): Parts | null {
  const m = COMPACT_DATE.exec(text);
  if (m === null) return null;
  return {
    year: Number(m[1]), month: Number(m[2]), day: Number(m[3]),
    hour: Number(m[4] ?? 0), minute: Number(m[5] ?? 0), second: Number(m[6] ?? 0), offset: 0,
  };
}

/**
 * A numeric date after words, as bylines print it: "Posted 2019.11.19 10:00", "입력 2019-11-19".
 * Only after words: a value that starts with the date and failed the strict parse has
 * something wrong in it (an unknown zone) that must not be silently dropped.
 */
function parseEmbedded(text: string): Parts | null {
  if (/^\d/.test(text)) return null;
  const m = /[^\d](\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:\.?\s+(?:at\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?)?(?![\d\p{L}])/u.exec(text);
  if (m === null) return null;
  return {
    year: Number(m[1]), month: Number(m[3]), day: Number(m[4]),
    hour: Number(m[5] ?? 0), minute: Number(m[6] ?? 0), second: Number(m[7] ?? 0), offset: 0,
  };
}

/** "+09:00", "+0900", "-05", "Z", "KST", "(EST)", "GMT+9", "GMT+09:00". */
function zoneOffset(raw: string): number | null {
  const zone = raw.replace(/[()\s]/g, '');
  const numeric = /^(?:[A-Za-z]{2,5})?([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(zone);
  if (numeric !== null) {
    const [, sign, hours, minutes] = numeric;
    const name = zone.slice(0, zone.search(/[+-]/));
    if (name !== '' && ZONE_OFFSETS[name.toUpperCase()] !== 0) return null;
    const total = Number(hours) * 60 + Number(minutes ?? 0);
    if (total > 14 * 60) return null;
    return sign === '-' ? -total : total;
  }
  return ZONE_OFFSETS[zone.toUpperCase()] ?? null;
}

/**
 * English written dates and RFC 2822: "Tue, 19 Nov 2019 10:00:00 +0000", "November 19, 2019
 * 10:00 AM EST", "Nov. 19, 2019", "19 November 2019". Needs a month name, a day and a year;
 * anything else in the string (weekday, "Updated", "at") is ignored.
 */
function parseTextual(text: string): Parts | null {
  const words = text.replace(/,/g, ' ').split(/\s+/);
  let month = 0;
  let monthIndex = -1;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!.toLowerCase().replace(/\.$/, '');
    const found = MONTHS[w] ?? (FULL_MONTH_NAMES.has(w) ? MONTHS[w.slice(0, 3)] : undefined);
    if (found !== undefined) {
      month = found;
      monthIndex = i;
      break;
    }
  }
  if (monthIndex < 0) return null;
  // The day sits next to the month ("Nov 19" or "19 Nov"); the year is the first 4-digit word.
  const dayOf = (w: string | undefined): number | null => {
    const m = w === undefined ? null : /^(\d{1,2})(?:st|nd|rd|th)?\.?$/i.exec(w);
    return m === null ? null : Number(m[1]);
  };
  const day = dayOf(words[monthIndex + 1]) ?? dayOf(words[monthIndex - 1]);
  // 19xx or 20xx: a bare "0615" is a time (CNN writes "Updated 0615 GMT").
  const yearWord = words.find((w) => /^(?:19|20)\d{2}$/.test(w));
  if (day === null || yearWord === undefined) return null;

  const rest = words.join(' ');
  const year = Number(yearWord);
  const [hour, minute, second] = timeOfDay(rest);
  const zone = textualZone(rest);
  const offset = typeof zone === 'number' ? zone : usOffset(zone, year, month, day, hour);
  return { year, month, day, hour, minute, second, offset };
}

/** "10:00 AM", "17:35:10", or CNN's "0615 GMT"; midnight when the text gives no time. */
function timeOfDay(text: string): [number, number, number] {
  const time = TIME_OF_DAY.exec(text);
  if (time !== null) {
    if (time[4] !== undefined) {
      const hour = Number(time[1]) % 12 + (time[4].toLowerCase() === 'p' ? 12 : 0);
      return [hour, Number(time[2]), Number(time[3] ?? 0)];
    }
    return [Number(time[5]), Number(time[6]), Number(time[7] ?? 0)];
  }
  const military = /\b([01]\d|2[0-3])([0-5]\d)\s+(?:GMT|UTC|[A-Z]{2,4}T)\b/.exec(text);
  return military === null ? [0, 0, 0] : [Number(military[1]), Number(military[2]), 0];
}

/**
 * US zones written without saying standard or daylight time ("8:15 PM ET"), by their standard
 * offset in minutes; which one applies depends on the date.
 */
const US_ZONES: Readonly<Record<string, number>> = { ET: -300, CT: -360, MT: -420, PT: -480 };

/** A fixed offset in minutes, or the name of a US zone whose offset depends on the date. */
function textualZone(rest: string): number | string {
  const numeric = NUMERIC_OFFSET.exec(rest);
  if (numeric !== null) {
    const sign = numeric[1] ?? numeric[4];
    const total = Number(numeric[2] ?? numeric[5]) * 60 + Number(numeric[3] ?? 0);
    return sign === '-' ? -total : total;
  }
  for (const word of rest.split(/[\s()]+/)) {
    if (word.length < 2) continue;
    const upper = word.toUpperCase();
    const offset = ZONE_OFFSETS[upper];
    if (offset !== undefined) return offset;
    if (US_ZONES[upper] !== undefined && word === upper) return upper;
  }
  return 0;
}

/**
 * US daylight saving time (rules since 2007): from the second Sunday of March to the first
 * Sunday of November, both at 2:00 local time.
 */
function usOffset(zone: string, year: number, month: number, day: number, hour: number): number {
  const standard = US_ZONES[zone] ?? 0;
  const start = nthSunday(year, 3, 2);
  const end = nthSunday(year, 11, 1);
  const afterStart = month > 3 || (month === 3 && (day > start || (day === start && hour >= 2)));
  const beforeEnd = month < 11 || (month === 11 && (day < end || (day === end && hour < 2)));
  return afterStart && beforeEnd ? standard + 60 : standard;
}

function nthSunday(year: number, month: number, n: number): number {
  const firstWeekday = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  return 1 + ((7 - firstWeekday) % 7) + (n - 1) * 7;
}

const FULL_MONTH_NAMES = new Set([
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september',
  'october', 'november', 'december',
]);

