/**
 * Raw page bodies are brotli-compressed in place up to 1 MiB and on zlib's thread pool above it:
 * both routes must give back the body byte for byte.
 */
import { randomBytes } from 'node:crypto';
import { brotliDecompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compressBody, decompressBody } from '../../src/store/codec.js';

function page(bytes: number): Buffer {
  // Markup-like text with some randomness, so it compresses as pages do and not to nothing.
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const part = `<p class="story">${randomBytes(24).toString('base64')} words of the story</p>\n`;
    parts.push(part);
    size += part.length;
  }
  return Buffer.from(parts.join('').slice(0, bytes));
}

describe('compressBody', () => {
  it.each([
    ['empty', 0],
    ['a small page', 5_000],
    ['a page just under the in-place limit', 1024 * 1024],
    ['a page over it (thread pool)', 1024 * 1024 + 1],
    ['a 3 MB page', 3_000_000],
  ])('round-trips %s', async (_name, bytes) => {
    const body = page(bytes);
    const stored = await compressBody(body);
    expect(stored.length).toBeLessThan(Math.max(body.length, 16));
    expect((await decompressBody(stored)).equals(body)).toBe(true);
    expect(brotliDecompressSync(stored).equals(body)).toBe(true);
  });
});
