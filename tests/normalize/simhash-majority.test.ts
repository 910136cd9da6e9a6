import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simhash64 } from '../../src/pipeline/normalize/index.js';

/**
 * simhash64 counts set bits with a bit-sliced counter; this is the plain definition it replaced
 * (±1 per feature and bit, positive sum sets the bit), with the same tokens and feature hashes
 * recomputed here, so stored simhashes stay comparable across the change.
 */
const TOKEN = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]|(?:(?![\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}])[\p{L}\p{N}_])+/gu;

function murmur32(s: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i + 1 < s.length; i += 2) {
    let k = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
    k = Math.imul(k, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
  }
  if (s.length & 1) {
    let k = Math.imul(s.charCodeAt(s.length - 1), 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
  }
  return fmix32(h ^ (s.length * 2));
}

function fmix32(x: number): number {
  let h = x ^ (x >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function referenceHalf(tokens: string[], seed: number): string {
  const hashes = tokens.map((t) => murmur32(t, seed));
  const width = Math.min(3, hashes.length);
  const weights = new Array<number>(32).fill(0);
  for (let i = 0; i + width <= hashes.length; i++) {
    let h = 0;
    for (let j = 0; j < width; j++) h ^= ((hashes[i + j]! << ((j * 11) % 32)) | (hashes[i + j]! >>> (32 - ((j * 11) % 32)))) >>> 0;
    const feature = fmix32(h);
    for (let bit = 0; bit < 32; bit++) weights[bit]! += (feature >>> bit) & 1 ? 1 : -1;
  }
  let word = 0;
  weights.forEach((w, bit) => {
    if (w > 0) word |= 1 << bit;
  });
  return (word >>> 0).toString(16).padStart(8, '0');
}

function referenceSimhash(text: string): string {
  const tokens = text.toLowerCase().match(TOKEN) ?? [];
  if (tokens.length === 0) return '0'.repeat(16);
  return referenceHalf(tokens, 0x9747b28c) + referenceHalf(tokens, 0x5bd1e995);
}

describe('simhash64 majority count', () => {
  it.each([
    ['one word', 'mayor'],
    ['two words', 'the mayor'],
    ['a sentence', 'The mayor said on Tuesday that the bridge would reopen in May.'],
    ['CJK', '東京都は火曜日、新しい橋の開通を発表した。'],
    ['long repetitive text (deep carries)', 'alpha beta gamma delta '.repeat(5000)],
  ])('matches the ±1 weight definition: %s', (_name, text) => {
    expect(simhash64(text)).toBe(referenceSimhash(text));
  });

  it('matches the ±1 weight definition on arbitrary text', () => {
    // ASCII word characters, their neighbours in other scripts (é, ß, Cyrillic, Kelvin sign K that
    // lower-cases to ASCII k, a digit and a letter outside the BMP), dense scripts, and separators.
    const pieces = ['a', 'b', 'c', 'dd', 'Z', '_', '9', 'x1', 'é', 'ß', 'д', '\u212a', '²', '𝟘', '𝐀', '東', 'カ', 'ー', '한', '’', "'", ' ', '.', '-', '\ud800'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 400 }), (parts) => {
        const text = parts.join('');
        expect(simhash64(text)).toBe(referenceSimhash(text));
      }),
      { numRuns: 1000 },
    );
  });
});
