import { describe, expect, it } from 'vitest';
import { declaredLanguageFits } from '../../src/pipeline/normalize/index.js';

const EN = 'US Secretary of State Rex Tillerson said Tuesday he is pleased North Korea has refrained from provocations.';
const KO = '렉스 틸러슨 미국 국무장관은 화요일 북한이 도발을 자제한 것에 만족한다며 가까운 장래에 대화를 원한다고 말했다. 그는 국무부에서 이렇게 밝혔다.';

describe('declaredLanguageFits', () => {
  it.each([
    ['en', EN, true],
    ['ko', KO, true],
    ['ko', EN, false],
    ['ko-KR', EN, false],
    ['en', KO, false],
    ['de', EN, true], // same script: only detection could tell, and it is not asked for
    ['ko', 'Short text', true], // too few letters to doubt anything
  ])('%s for %s… → %s', (declared, text, fits) => {
    expect(declaredLanguageFits(declared, text)).toBe(fits);
  });
});
