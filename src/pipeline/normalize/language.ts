/**
 * The article's `language` as a BCP 47 code, from its text, with franc-min (trigram profiles of
 * the ~80 most spoken languages; Chinese, Japanese, Korean, Thai and the Indic scripts by script).
 */
import { franc } from 'franc-min';

/**
 * Below this many characters trigram statistics are noise: a headline-length English text is as
 * likely to come out Indonesian as English. Chinese, Japanese and Korean pack about three Latin
 * letters' worth into a character and are told apart by script, so their characters count thrice.
 */
const MIN_CHARS = 50;
const DENSE_SCRIPT = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}]/gu;
const DENSE_WEIGHT = 3;

/**
 * franc reads at most 2048 characters and its cost grows with them (3.3 ms for 2048, 1.5 ms for
 * 1024 on the dev machine); 1024 characters of running text are as decisive.
 */
const SAMPLE_CHARS = 1024;

/**
 * ISO 639-3 codes franc-min returns that have a two-letter ISO 639-1 code, which BCP 47 prefers.
 * Individual languages map to their macrolanguage's code where that is what pages declare
 * (Mandarin `cmn` is `zh`, Standard Arabic `arb` is `ar`, Iranian Persian `pes` is `fa`). The rest
 * (Cebuano `ceb`, Central Kurdish `ckb`...) have no two-letter code and are valid BCP 47 as they are.
 */
const TWO_LETTER: Readonly<Record<string, string>> = {
  amh: 'am', arb: 'ar', azj: 'az', bel: 'be', ben: 'bn', bos: 'bs', bul: 'bg', ces: 'cs', cmn: 'zh',
  deu: 'de', ell: 'el', eng: 'en', fra: 'fr', fuv: 'ff', guj: 'gu', hau: 'ha', hin: 'hi', hrv: 'hr',
  hun: 'hu', ibo: 'ig', ind: 'id', ita: 'it', jav: 'jv', jpn: 'ja', kan: 'kn', kaz: 'kk', kin: 'rw',
  kor: 'ko', lin: 'ln', mal: 'ml', mar: 'mr', mya: 'my', nld: 'nl', npi: 'ne', nya: 'ny', pan: 'pa',
  pbu: 'ps', pes: 'fa', plt: 'mg', pol: 'pl', por: 'pt', ron: 'ro', run: 'rn', rus: 'ru', sin: 'si',
  som: 'so', spa: 'es', srp: 'sr', sun: 'su', swe: 'sv', swh: 'sw', tam: 'ta', tel: 'te', tgl: 'tl',
  tha: 'th', tur: 'tr', ukr: 'uk', urd: 'ur', uzn: 'uz', vie: 'vi', yor: 'yo', zlm: 'ms', zul: 'zu',
};

/** A BCP 47 code for the language of `text`, or null when the text is short or undetermined. */
export function detectLanguage(text: string): string | null {
  const sample = text.trim().slice(0, SAMPLE_CHARS);
  if (weightedLength(sample) < MIN_CHARS) return null;
  const code = franc(sample, { minLength: 1 });
  if (code === 'und') return null;
  return TWO_LETTER[code] ?? code;
}

function weightedLength(sample: string): number {
  if (sample.length >= MIN_CHARS) return sample.length;
  const dense = sample.match(DENSE_SCRIPT)?.length ?? 0;
  return sample.length + (DENSE_WEIGHT - 1) * dense;
}

/** Languages written in a script other than Latin; a page declaring one of them holds little Latin text. */
const NON_LATIN_SCRIPT_LANGUAGES: ReadonlySet<string> = new Set([
  'am', 'ar', 'be', 'bg', 'bn', 'el', 'fa', 'gu', 'he', 'hi', 'hy', 'ja', 'ka', 'kk', 'km', 'kn', 'ko', 'lo', 'mk',
  'ml', 'mn', 'mr', 'my', 'ne', 'pa', 'ru', 'si', 'ta', 'te', 'th', 'uk', 'ur', 'zh',
]);
const LATIN_LETTER = /[A-Za-z\u00C0-\u024F]/;
const ANY_LETTER = /\p{L}/u;
/** How much of the sample must be in the "wrong" script before the declaration is doubted. */
const CONTRADICTION_SHARE = 0.8;

/**
 * Whether the declared language is plausible for the text's script, checked cheaply (a letter
 * count, no trigram statistics): a portal declaring `ko` around an English story fails it, and only
 * then is the costlier `detectLanguage` worth running.
 */
export function declaredLanguageFits(declared: string, text: string): boolean {
  const sample = text.slice(0, SAMPLE_CHARS);
  let letters = 0;
  let latin = 0;
  for (const ch of sample) {
    if (!ANY_LETTER.test(ch)) continue;
    letters++;
    if (LATIN_LETTER.test(ch)) latin++;
  }
  if (letters < MIN_CHARS) return true;
  const latinShare = latin / letters;
  const primary = declared.toLowerCase().split('-')[0]!;
  return NON_LATIN_SCRIPT_LANGUAGES.has(primary) ? latinShare < CONTRADICTION_SHARE : latinShare > 1 - CONTRADICTION_SHARE;
}
