/**
 * Simhash banding for near-duplicate lookup. A 64-bit simhash is cut into 4 bands of 16 bits; two
 * hashes within Hamming distance 3 differ in at most 3 bands, so (pigeonhole) they share at least one
 * band exactly. An index on (band, value) therefore finds every candidate, and the true distance is
 * checked afterwards. The guarantee holds up to distance BANDS - 1, hence MAX_NEAR_DUPLICATE_DISTANCE.
 */
import { StoreError } from './errors.js';
import { hammingDistance } from '../pipeline/normalize/simhash.js';

export { hammingDistance };

export const BANDS = 4;
export const MAX_NEAR_DUPLICATE_DISTANCE = BANDS - 1;
export const DEFAULT_NEAR_DUPLICATE_DISTANCE = 3;

/** The four 16-bit bands of a 16-hex-digit simhash, most significant first. */
export function simhashBands(simhash: string): number[] {
  if (!/^[0-9a-f]{16}$/i.test(simhash)) {
    throw new StoreError('invalid_simhash', `simhash "${simhash}" is not 16 hex digits (a 64-bit hash)`);
  }
  const bands: number[] = [];
  for (let band = 0; band < BANDS; band += 1) bands.push(parseInt(simhash.slice(band * 4, band * 4 + 4), 16));
  return bands;
}

/**
 * Among candidates found through the band index (in insertion order), the first one whose simhash is
 * within `maxDistance` of `simhash`.
 */
export function firstNearDuplicate(
  simhash: string,
  candidates: ReadonlyArray<{ id: string; simhash: string }>,
  maxDistance: number,
): string | null {
  for (const candidate of candidates) {
    if (hammingDistance(simhash, candidate.simhash) <= maxDistance) return candidate.id;
  }
  return null;
}
