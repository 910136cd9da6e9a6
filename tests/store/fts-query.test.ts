import { describe, expect, it } from 'vitest';
import { isSearchable, toFts5Search } from '../../src/store/fts-query.js';

describe('toFts5Search', () => {
  it.each([
    ['earthquake', '("earthquake")', false],
    ['interest rates', '("interest" AND "rates")', false],
    ['"interest rates"', '("interest rates")', false],
    ['earthquake -tsunami', '("earthquake" NOT "tsunami")', false],
    ['-tsunami earthquake', '("earthquake" NOT "tsunami")', false],
    ['tsunami or election', '("tsunami") OR ("election")', false],
    ['a b OR c', '("a" AND "b") OR ("c")', false],
    ['a or -b', '("a")', false],
    ['NEAR( AND', '("NEAR(" AND "AND")', false],
    ['say "hi', '("say" AND "hi")', false],
    ['태풍 북상', '("태풍" AND "북상")', false],
    ['a"b', '("a""b")', false],
    ['-tsunami', '("tsunami")', true],
    ['-tsunami -"interest rates"', '("tsunami" OR "interest rates")', true],
    ['-a or -b', '("a") AND ("b")', true],
  ])('%j', (q, match, negated) => {
    expect(toFts5Search(q)).toEqual({ match, negated });
    expect(isSearchable(q)).toBe(true);
  });

  it.each([['or'], ['  '], ['*** ---'], ['""']])('%j has nothing to search for', (q) => {
    expect(toFts5Search(q)).toBeNull();
    expect(isSearchable(q)).toBe(false);
  });
});
