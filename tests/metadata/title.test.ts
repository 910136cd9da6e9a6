import { describe, expect, it } from 'vitest';
import { cleanTitle } from '../../src/pipeline/metadata/index.js';
import { preferHeading } from '../../src/pipeline/metadata/title.js';

const CLEAN_CASES: [string, string[], string][] = [
  ['Tillerson renews offer to talk with N. Korea - The Korea Herald', ['The Korea Herald'], 'Tillerson renews offer to talk with N. Korea'],
  ['Tillerson renews offer to talk with N. Korea - Korea Herald', ['The Korea Herald'], 'Tillerson renews offer to talk with N. Korea'],
  ['Tillerson renews offer | koreaherald', ['koreaherald'], 'Tillerson renews offer'],
  ['Oil prices rise | Reuters', ['Reuters'], 'Oil prices rise'],
  ['Oil prices rise · Reuters.com', ['reuters'], 'Oil prices rise'],
  ['CNN — Oil prices rise again', ['CNN'], 'Oil prices rise again'],
  ['Oil prices rise again - CNN Business', ['cnn'], 'Oil prices rise again'],
  ['Oil prices rise again – The Guardian', ['the Guardian'], 'Oil prices rise again'],
  ['Oil prices rise again » Business » Daily News', ['Daily News'], 'Oil prices rise again » Business'],
  ['Daily News: Oil prices rise again', ['Daily News'], 'Oil prices rise again'],
  ['Oil prices rise again   -   Daily News', ['Daily News'], 'Oil prices rise again'],
  // Separators inside the headline stay when no part names the site.
  ['Brexit: what happens next', ['BBC News', 'bbc'], 'Brexit: what happens next'],
  ['Star Wars Jedi: Fallen Order review – shoots for the moon', ['VG247'], 'Star Wars Jedi: Fallen Order review – shoots for the moon'],
  // After a colon only the exact site name goes: "AP sources:" opens a headline.
  ['AP sources: Trump to name new envoy', ['ap'], 'AP sources: Trump to name new envoy'],
  ['AP: Trump to name new envoy', ['ap'], 'Trump to name new envoy'],
  // A headline that merely mentions the site keeps it.
  ['Netflix stock soars after earnings | Netflix', ['Netflix'], 'Netflix stock soars after earnings'],
  ['Reuters reporters freed in Myanmar - BBC News', ['Reuters'], 'Reuters reporters freed in Myanmar - BBC News'],
  // Never down to nothing or to a single word.
  ['Politics | BBC News', ['BBC News'], 'Politics | BBC News'],
  ['Reuters', ['Reuters'], 'Reuters'],
  ['Title here', [], 'Title here'],
  ['韩国总统文在寅访问日本 - 新华网', ['新华网'], '韩国总统文在寅访问日本'],
];

describe('cleanTitle', () => {
  it.each(CLEAN_CASES)('%s (%j) → %s', (raw, sites, expected) => {
    expect(cleanTitle(raw, sites)).toBe(expected);
  });
});

const HEADING_CASES: [string, string | null, string][] = [
  ['Moon vows to boost exports - Politics', 'Moon vows to boost exports', 'Moon vows to boost exports'],
  ['Opinion | Republicans Are Following Trump to Nowhere', 'Republicans Are Following Trump to Nowhere', 'Republicans Are Following Trump to Nowhere'],
  ['Some title: with a colon | Site', 'Some title: with a colon', 'Some title: with a colon'],
  // The h1 is the site logo or unrelated: the title stays.
  ['Some title here | Site', 'Site', 'Some title here | Site'],
  ['Some title here', 'Other words entirely', 'Some title here'],
  ['Some title here', null, 'Some title here'],
];

describe('preferHeading', () => {
  it.each(HEADING_CASES)('%s with h1 %s → %s', (title, heading, expected) => {
    expect(preferHeading(title, heading)).toBe(expected);
  });
});
