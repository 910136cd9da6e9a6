import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstNearDuplicate, hammingDistance, simhashBands } from '../../src/store/simhash.js';
import { StoreError } from '../../src/store/index.js';
import { flipBits } from './helpers.js';

describe('simhash bands', () => {
  it.each([
    ['0123456789abcdef', [0x0123, 0x4567, 0x89ab, 0xcdef]],
    ['FFFF00000000FFFF', [0xffff, 0, 0, 0xffff]],
  ])('%s', (simhash, bands) => {
    expect(simhashBands(simhash)).toEqual(bands);
  });

  it.each([['abc'], ['0123456789abcdeg'], ['0123456789abcdef0']])('%s is rejected', (simhash) => {
    expect(() => simhashBands(simhash)).toThrow(StoreError);
  });

  it.each([
    ['0000000000000000', '0000000000000000', 0],
    ['0000000000000000', '0000000000000001', 1],
    ['ffffffffffffffff', '0000000000000000', 64],
    ['8000000000000001', '0000000000000000', 2],
  ])('distance(%s, %s) = %d', (a, b, distance) => {
    expect(hammingDistance(a, b)).toBe(distance);
  });

  it('within distance 3, two hashes always share a band (the index cannot miss one)', () => {
    const hex = fc.array(fc.constantFrom(...'0123456789abcdef'), { minLength: 16, maxLength: 16 }).map((c) => c.join(''));
    const bits = fc.uniqueArray(fc.integer({ min: 0, max: 63 }), { minLength: 0, maxLength: 3 });
    fc.assert(fc.property(hex, bits, (simhash, flipped) => {
      const near = flipBits(simhash, flipped);
      expect(hammingDistance(simhash, near)).toBe(flipped.length);
      const a = simhashBands(simhash);
      const b = simhashBands(near);
      expect(a.some((value, band) => value === b[band])).toBe(true);
    }));
  });

  it('picks the first candidate within the distance', () => {
    const base = '00000000ffffffff';
    const candidates = [
      { id: 'far', simhash: flipBits(base, [0, 1, 2, 3]) },
      { id: 'near', simhash: flipBits(base, [0, 1]) },
      { id: 'nearer', simhash: base },
    ];
    expect(firstNearDuplicate(base, candidates, 3)).toBe('near');
    expect(firstNearDuplicate(base, candidates, 0)).toBe('nearer');
    expect(firstNearDuplicate(base, candidates.slice(0, 1), 3)).toBeNull();
  });
});
