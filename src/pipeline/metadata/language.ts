/**
 * Language declarations ("en-US", "en_US", "ko", "pt-BR, en") to the BCP 47 primary subtag,
 * lower-case. Anything that is not a 2-3 letter tag (a language name such as "English", a
 * placeholder) gives null so the next source is tried.
 */
const PRIMARY_SUBTAG = /^([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*$/i;

/** "English" written out, as some `<meta name=language>` tags and JSON-LD inLanguage do. */
const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  english: 'en', korean: 'ko', portuguese: 'pt', russian: 'ru', chinese: 'zh', japanese: 'ja',
  italian: 'it', german: 'de', french: 'fr', spanish: 'es',
};

export function primaryLanguage(value: string | null | undefined): string | null {
  const first = value?.split(/[,;]/)[0]?.trim() ?? '';
  const match = PRIMARY_SUBTAG.exec(first);
  if (match !== null) {
    const tag = match[1]!.toLowerCase();
    // "und" and "mul" are valid tags that say the language is unknown or mixed.
    return tag === 'und' || tag === 'mul' || tag === 'zxx' ? null : tag;
  }
  return LANGUAGE_NAMES[first.toLowerCase()] ?? null;
}
