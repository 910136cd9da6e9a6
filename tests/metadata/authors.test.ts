import { describe, expect, it } from 'vitest';
import { normalizeAuthors } from '../../src/pipeline/metadata/index.js';

const CASES: [string[], string[]][] = [
  [['By John Smith'], ['John Smith']],
  [['by Jane Doe'], ['Jane Doe']],
  [['Written by: Kim Min-ji'], ['Kim Min-ji']],
  [['Analysis by Chris Cillizza, CNN Editor-at-large'], ['Chris Cillizza']],
  [['By John Smith and Jane Doe'], ['John Smith', 'Jane Doe']],
  [['John Smith & Jane Doe'], ['John Smith', 'Jane Doe']],
  [['John Smith, Jane Doe; Kim Lee'], ['John Smith', 'Jane Doe', 'Kim Lee']],
  // A name suffix after a comma stays with its name; credentials go.
  [['John Smith, Jr.'], ['John Smith, Jr.']],
  [['Martin Luther King, III and Jane Doe'], ['Martin Luther King, III', 'Jane Doe']],
  [['Rachael Link, MS, RD'], ['Rachael Link']],
  // Roles, e-mail addresses, URLs, handles and dates are trimmed.
  [['By Jane Doe, Staff Writer'], ['Jane Doe']],
  [['TOM KRISHER, AP Auto Writer'], ['TOM KRISHER']],
  [['Jane Doe - Senior Correspondent'], ['Jane Doe']],
  [['Senior Writer Jane Doe'], ['Jane Doe']],
  [['Staff Writer'], []],
  [['Kim Min-ji (mjkim@heraldcorp.com)'], ['Kim Min-ji']],
  [['https://www.facebook.com/cnn'], []],
  [['Jane Doe https://twitter.com/janedoe'], ['Jane Doe']],
  [['Bryan DeArdo @BryanDeArdo Nov 18, 2019 at 9:24 pm • 2 min read'], ['Bryan DeArdo']],
  [['Jane Doe is a reporter at CNN covering technology.'], ['Jane Doe']],
  [['Reporting by Jane Doe; Editing by John Roe'], ['Jane Doe']],
  // Desks are authors too.
  [['Reuters Staff'], ['Reuters Staff']],
  [['The Associated Press'], ['The Associated Press']],
  // Case-insensitive dedupe across entries, first spelling kept.
  [['Jane Doe', 'jane doe', 'By JANE DOE'], ['Jane Doe']],
  [['Jane Doe', 'John Smith and Jane Doe'], ['Jane Doe', 'John Smith']],
  [['Текст: Венера Ерофеева'], ['Венера Ерофеева']],
  [['  ', ''], []],
  [[], []],
];

describe('normalizeAuthors', () => {
  it.each(CASES)('%j → %j', (input, expected) => {
    expect(normalizeAuthors(input)).toEqual(expected);
  });
});
