import { describe, expect, it } from 'vitest';
import { toFts5Query } from '../../src/store/fts-query.js';

describe('toFts5Query', () => {
  it.each([
    ['earthquake', '("earthquake")'],
    ['interest rates', '("interest" AND "rates")'],
    ['"interest rates"', '("interest rates")'],
    ['earthquake -tsunami', '("earthquake" NOT "tsunami")'],
    ['-tsunami earthquake', '("earthquake" NOT "tsunami")'],
    ['tsunami or election', '("tsunami") OR ("election")'],
    ['a b OR c', '("a" AND "b") OR ("c")'],
    ['NEAR( AND', '("NEAR(" AND "AND")'],
    ['say "hi', '("say" AND "hi")'],
    ['태풍 북상', '("태풍" AND "북상")'],
    ['a"b', '("a""b")'],
    ['-only', null],
    ['or', null],
    ['  ', null],
    ['*** ---', null],
  ])('%j', (q, expected) => {
    expect(toFts5Query(q)).toBe(expected);
  });
});
