/**
 * A 64-bit simhash of the text, to find the same story syndicated elsewhere with small edits
 * (a changed byline, a dropped sentence). Features are word 3-shingles, so shared phrasing counts
 * rather than shared vocabulary: two unrelated stories on one topic still land far apart.
 */

/**
 * Tokens: runs of letters, digits and underscores, lower-cased; Chinese characters and kana are one
 * token each, since those scripts do not space their words (a whole sentence would be one token).
 */
const TOKEN = new RegExp(
  String.raw`[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]|[[\p{L}\p{N}_]--[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]]+`,
  'gv',
);
const SHINGLE = 3;

/**
 * Below this code unit no character belongs to a dense script (Han radicals start here), so a
 * table can say whether each one is part of a token; above it, and for surrogates, the
 * Unicode-property pattern decides.
 */
const CLASSIFIED_END = 0x2e80;
const SEPARATOR = 0;
const TOKEN_CHAR = 1;
const NEEDS_PATTERN = 2;
let unitClasses: Uint8Array | undefined;

/** SEPARATOR or TOKEN_CHAR (a letter, digit or `_`) for each unit below CLASSIFIED_END; built once (~1 ms). */
function classes(): Uint8Array {
  if (unitClasses === undefined) {
    const tokenChar = /[\p{L}\p{N}_]/u;
    unitClasses = new Uint8Array(CLASSIFIED_END);
    for (let c = 0; c < CLASSIFIED_END; c++) if (tokenChar.test(String.fromCharCode(c))) unitClasses[c] = TOKEN_CHAR;
  }
  return unitClasses;
}

interface TokenHashes {
  high: Uint32Array;
  low: Uint32Array;
  count: number;
}

/**
 * The two hashes of each token of `lower` (`lower.match(TOKEN)`), in order. Tokens never cross a
 * separator, so the text is cut into runs between separators: a run of letters, digits and `_`
 * from the table (Latin, Greek, Cyrillic, Arabic, Indic... with their curly quotes and dashes as
 * separators) is one token, hashed where it stands with no substring made; only runs with other
 * characters (CJK, Hangul, astral) need the Unicode-property pattern, about five times as costly.
 */
function hashTokens(lower: string): TokenHashes {
  const table = classes();
  // A token takes at least one character: there are at most as many tokens as characters.
  const high = new Uint32Array(lower.length);
  const low = new Uint32Array(lower.length);
  let count = 0;
  let runStart = -1;
  let runNeedsPattern = false;
  for (let i = 0; i <= lower.length; i++) {
    const c = i < lower.length ? lower.charCodeAt(i) : 0x20;
    const kind = c < CLASSIFIED_END ? table[c] : NEEDS_PATTERN;
    if (kind !== SEPARATOR) {
      if (runStart === -1) {
        runStart = i;
        runNeedsPattern = false;
      }
      if (kind === NEEDS_PATTERN) runNeedsPattern = true;
      continue;
    }
    if (runStart === -1) continue;
    if (!runNeedsPattern) {
      high[count] = murmur32(lower, runStart, i, SEED_HIGH);
      low[count] = murmur32(lower, runStart, i, SEED_LOW);
      count++;
    } else {
      for (const token of lower.slice(runStart, i).match(TOKEN) ?? []) {
        high[count] = murmur32(token, 0, token.length, SEED_HIGH);
        low[count] = murmur32(token, 0, token.length, SEED_LOW);
        count++;
      }
    }
    runStart = -1;
  }
  return { high, low, count };
}

/**
 * MurmurHash3 (x86, 32-bit) over the UTF-16 code units of `s` from `start` to `end`, two units per
 * block. Two seeds give the two independent halves of a 64-bit feature hash without BigInt.
 */
function murmur32(s: string, start: number, end: number, seed: number): number {
  let h = seed >>> 0;
  const length = end - start;
  const blocksEnd = start + (length & ~1);
  for (let i = start; i < blocksEnd; i += 2) {
    let k = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (length & 1) {
    let k = s.charCodeAt(end - 1);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  return fmix32(h ^ (length * 2));
}

const SEED_HIGH = 0x9747b28c;
const SEED_LOW = 0x5bd1e995;

/**
 * Per-bit counts of the features whose hash has that bit set, for all 32 bits at once: `planes[p]`
 * holds bit p of each of the 32 counts, and adding a hash is a ripple-carry add across the planes
 * (two steps on average) instead of 32 increments. Counting ones is enough: a bit's ±1 weight sum
 * is positive exactly when more than half the features set it.
 */
function addToCounts(planes: Int32Array, hash: number): void {
  let carry = hash | 0;
  for (let p = 0; carry !== 0; p++) {
    const next = planes[p]! & carry;
    planes[p]! ^= carry;
    carry = next;
  }
}

/** Bit `bit` set when more than half of `features` hashes had it set. */
function majorityBits(planes: Int32Array, features: number): number {
  // Only the planes a count of `features` can reach hold bits.
  const used = Math.min(planes.length, 32 - Math.clz32(features));
  let word = 0;
  for (let bit = 0; bit < 32; bit++) {
    let ones = 0;
    // A shift is the power of two while it fits an int: always, as strings hold under 2^29 units.
    if (used <= 30) for (let p = 0; p < used; p++) ones += ((planes[p]! >>> bit) & 1) << p;
    else for (let p = 0; p < used; p++) ones += ((planes[p]! >>> bit) & 1) * 2 ** p;
    if (2 * ones > features) word |= 1 << bit;
  }
  return word >>> 0;
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/** MurmurHash3's finalizer: spreads a combined value over all 32 bits. */
function fmix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/**
 * The hash of the shingle starting at token `i`: each token is hashed once, and a shingle's hash
 * combines its tokens' hashes by position (rotations keep "a b c" apart from "c b a"), instead of
 * building and hashing a string per shingle, which cost most of the time on long articles.
 */
function shingleHash(tokenHashes: Uint32Array, i: number, count: number): number {
  if (count === 3) return fmix32(tokenHashes[i]! ^ rotl(tokenHashes[i + 1]!, 11) ^ rotl(tokenHashes[i + 2]!, 22));
  let h = 0;
  for (let j = 0; j < count; j++) h ^= rotl(tokenHashes[i + j]!, (j * 11) % 32);
  return fmix32(h);
}

/** 16 lower-case hex digits; all zeros for a text without a single word. */
export function simhash64(text: string): string {
  const { high, low, count } = hashTokens(text.toLowerCase());
  if (count === 0) return '0'.repeat(16);
  // A text shorter than one shingle is its own single feature.
  const width = Math.min(SHINGLE, count);
  const features = count - width + 1;
  // 33 planes count past 2^32 features, more than any string can hold.
  const highCounts = new Int32Array(33);
  const lowCounts = new Int32Array(33);
  for (let i = 0; i < features; i++) {
    addToCounts(highCounts, shingleHash(high, i, width));
    addToCounts(lowCounts, shingleHash(low, i, width));
  }
  return hex32(majorityBits(highCounts, features)) + hex32(majorityBits(lowCounts, features));
}

const SIMHASH = /^[0-9a-f]{16}$/i;

function popcount32(n: number): number {
  let v = n - ((n >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** The number of bits in which two simhashes differ (0..64). */
export function hammingDistance(a: string, b: string): number {
  if (!SIMHASH.test(a) || !SIMHASH.test(b)) {
    throw new RangeError(`simhashes are 16 hex digits; got ${JSON.stringify(a)} and ${JSON.stringify(b)}`);
  }
  const high = parseInt(a.slice(0, 8), 16) ^ parseInt(b.slice(0, 8), 16);
  const low = parseInt(a.slice(8), 16) ^ parseInt(b.slice(8), 16);
  return popcount32(high) + popcount32(low);
}
