import { describe, expect, it } from 'vitest';
import { detectLanguage, hammingDistance, simhash64 } from '../../src/pipeline/normalize/index.js';

const STORY = [
  'The city council voted on Tuesday to expand the river ferry service, adding two routes that will connect the eastern suburbs with the financial district by next spring.',
  'Council members said the plan would ease pressure on the crowded subway line and cut commuting times for about forty thousand residents who now travel more than an hour each way.',
  'The new routes will cost an estimated 120 million dollars over five years, to be shared between the city and the regional transport authority, according to budget documents released last week.',
  'Opponents argued that the money would be better spent on bus lanes, which they said could be built faster and would serve more neighborhoods than a handful of ferry piers.',
  'The mayor, who proposed the expansion in her annual address, welcomed the vote and said construction of the first two piers would begin in the summer.',
  'Ferry ridership has grown steadily since the service was relaunched four years ago, reaching nearly six million trips last year, the transport authority said.',
].join('\n\n');

const UNRELATED = [
  'A small technology company in the northern hills has developed a battery that its founders say can store solar power for a week without losing charge, drawing interest from utilities.',
  'The firm, started by three university researchers, plans to open a factory next year and has raised funding from regional investors and a national clean energy fund.',
  'Independent engineers who tested prototypes said the results were promising but warned that the cells had yet to prove they could survive thousands of charging cycles in harsh weather.',
  'Local officials hope the factory will bring several hundred jobs to an area that lost its paper mill a decade ago and has struggled to attract new employers since then.',
].join('\n\n');

describe('simhash64', () => {
  it('is 16 hex digits, deterministic, and zero for a text with no words', () => {
    expect(simhash64(STORY)).toMatch(/^[0-9a-f]{16}$/);
    expect(simhash64(STORY)).toBe(simhash64(STORY));
    expect(simhash64('')).toBe('0000000000000000');
    expect(simhash64(' … — ')).toBe('0000000000000000');
  });

  it('ignores case and punctuation, which carry no words', () => {
    expect(simhash64('The Mayor, said: "YES".')).toBe(simhash64('the mayor said yes'));
  });

  // On this 170-word story one changed word moves about 3 of 170 shingles; the distance for an edit
  // shrinks as the text grows (on a 436-word story the same edits measure 2 to 6).
  const lightEdits: Array<[string, string]> = [
    ['one word changed', STORY.replace('Tuesday', 'Wednesday')],
    ['two words changed', STORY.replace('Tuesday', 'Wednesday').replace('welcomed', 'praised')],
  ];
  it.each(lightEdits)('a lightly edited copy is within 6 bits (%s)', (_name, edited) => {
    const distance = hammingDistance(simhash64(STORY), simhash64(edited));
    expect(distance).toBeGreaterThan(0);
    expect(distance).toBeLessThanOrEqual(6);
  });

  const heavierEdits: Array<[string, string]> = [
    ['a credit line appended', `${STORY}\n\nReporting by the city desk; editing by the night staff.`],
    ['a number rewritten and a clause cut', STORY.replace('120 million', '125 million').replace(', the transport authority said', '')],
    ['the last paragraph missing', STORY.split('\n\n').slice(0, -1).join('\n\n')],
    ['the first paragraph missing', STORY.split('\n\n').slice(1).join('\n\n')],
  ];
  it.each(heavierEdits)('a copy with a sentence-sized edit stays within 12 bits (%s)', (_name, edited) => {
    expect(hammingDistance(simhash64(STORY), simhash64(edited))).toBeLessThanOrEqual(12);
  });

  it('an unrelated text is far', () => {
    expect(hammingDistance(simhash64(STORY), simhash64(UNRELATED))).toBeGreaterThan(20);
  });

  it('shingles Chinese and Japanese per character, so one edit stays near', () => {
    const zh = '北京市政府今天宣布了一项新的经济政策，该政策旨在支持中小企业的发展，扩大就业机会，并在未来三年内减轻企业的税收负担。官员表示，这项措施将惠及数十万家企业。';
    const edited = zh.replace('三年', '五年');
    const distance = hammingDistance(simhash64(zh), simhash64(edited));
    expect(distance).toBeLessThanOrEqual(12);
    expect(hammingDistance(simhash64(zh), simhash64(STORY))).toBeGreaterThan(20);
  });
});

describe('hammingDistance', () => {
  const cases: Array<[string, string, number]> = [
    ['0000000000000000', '0000000000000000', 0],
    ['0000000000000000', 'ffffffffffffffff', 64],
    ['0000000000000001', '0000000000000000', 1],
    ['8000000000000000', '0000000000000000', 1],
    ['00000000ffffffff', '0000000000000000', 32],
    ['F0F0F0F0F0F0F0F0', 'f0f0f0f0f0f0f0f1', 1],
    ['0123456789abcdef', 'fedcba9876543210', 64],
    ['0123456789abcdef', '0123456789abcdee', 1],
  ];
  it.each(cases)('%s vs %s = %i', (a, b, expected) => {
    expect(hammingDistance(a, b)).toBe(expected);
    expect(hammingDistance(b, a)).toBe(expected);
  });

  it('refuses values that are not 16 hex digits', () => {
    expect(() => hammingDistance('abc', '0000000000000000')).toThrow(RangeError);
    expect(() => hammingDistance('000000000000000g', '0000000000000000')).toThrow(RangeError);
  });
});

describe('detectLanguage', () => {
  const cases: Array<[string, string | null]> = [
    [STORY, 'en'],
    ['서울 한국 정부는 오늘 새로운 경제 정책을 발표했다. 이번 정책은 중소기업 지원을 확대하는 내용을 담고 있다.', 'ko'],
    ['東京の天気は晴れ、気温は二十度です。明日は雨が降るでしょう。週末は晴れる見込みです。', 'ja'],
    ['北京市政府今天宣布了新的经济政策。该政策旨在支持中小企业的发展，并扩大就业机会。', 'zh'],
    ['Москва объявила о новых экономических мерах. Правительство заявило, что поддержит малый бизнес.', 'ru'],
    ['Le gouvernement français a annoncé mardi de nouvelles mesures pour soutenir le pouvoir d’achat des ménages.', 'fr'],
    ['Die Bundesregierung hat am Dienstag neue Maßnahmen zur Unterstützung der Wirtschaft angekündigt.', 'de'],
    ['El gobierno español anunció el martes nuevas medidas para apoyar a las pequeñas empresas del país.', 'es'],
    ['O governo brasileiro anunciou nesta terça-feira novas medidas para apoiar as pequenas empresas do país.', 'pt'],
    ['Short text.', null],
    ['Mayor wins vote on ferries', null],
    ['', null],
    ['1234567890 1234567890 1234567890 1234567890 1234567890 1234567890', null],
  ];
  it.each(cases)('%s → %s', (text, expected) => {
    expect(detectLanguage(text)).toBe(expected);
  });
});
