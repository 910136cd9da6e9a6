import { describe, expect, it } from 'vitest';
import { toUtcIso } from '../../src/pipeline/metadata/index.js';

/** A fixed "now" so the future bound does not move with the calendar. */
const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);

const CASES: [string, string | null][] = [
  // Offsets written in the value are honoured.
  ['2017-08-23T06:05:00+09:00', '2017-08-22T21:05:00.000Z'],
  ['2017-08-23T06:05:00+0900', '2017-08-22T21:05:00.000Z'],
  ['2017-08-22T17:05:00-04:00', '2017-08-22T21:05:00.000Z'],
  ['2017-08-22T21:05:00Z', '2017-08-22T21:05:00.000Z'],
  ['2017-08-22T21:05:00.123Z', '2017-08-22T21:05:00.000Z'],
  ['2019-11-19T10:00:00.000000+00:00', '2019-11-19T10:00:00.000Z'],
  ['2017-08-23 06:05 KST', '2017-08-22T21:05:00.000Z'],
  ['2017-08-22 16:05:00 EST', '2017-08-22T21:05:00.000Z'],
  ['2019/11/19 10:00:00 GMT+9', '2019-11-19T01:00:00.000Z'],
  // No offset: UTC. Date only: midnight UTC.
  ['2017-08-22 21:05', '2017-08-22T21:05:00.000Z'],
  ['2017-08-22T21:05:07', '2017-08-22T21:05:07.000Z'],
  ['2017-08-22', '2017-08-22T00:00:00.000Z'],
  ['2017.08.23 06:05', '2017-08-23T06:05:00.000Z'],
  ['  2017-08-22  ', '2017-08-22T00:00:00.000Z'],
  // RFC 2822 and written English dates.
  ['Tue, 22 Aug 2017 21:05:00 GMT', '2017-08-22T21:05:00.000Z'],
  ['Tue, 22 Aug 2017 17:05:00 -0400', '2017-08-22T21:05:00.000Z'],
  ['November 19, 2019 10:00 AM EST', '2019-11-19T15:00:00.000Z'],
  ['November 19, 2019 12:30 PM', '2019-11-19T12:30:00.000Z'],
  ['Nov. 19, 2019', '2019-11-19T00:00:00.000Z'],
  ['19 November 2019', '2019-11-19T00:00:00.000Z'],
  ['Tue Nov 19 2019 10:00:00 GMT-0500 (Eastern Standard Time)', '2019-11-19T15:00:00.000Z'],
  // US zones without standard/daylight: resolved by the date (DST 2nd Sunday of March to 1st of November).
  ['Updated 8:15 PM ET, Tue November 19, 2019', '2019-11-20T01:15:00.000Z'],
  ['July 4, 2019 8:15 PM ET', '2019-07-05T00:15:00.000Z'],
  ['March 10, 2019 1:00 AM ET', '2019-03-10T06:00:00.000Z'],
  ['March 10, 2019 3:00 AM ET', '2019-03-10T07:00:00.000Z'],
  ['Nov 3, 2019 1:00 AM PT', '2019-11-03T08:00:00.000Z'],
  ['Nov 3, 2019 3:00 AM PT', '2019-11-03T11:00:00.000Z'],
  // Bylines: a four-digit time before a zone, dates after words.
  ['Updated 0615 GMT (1415 HKT) November 19, 2019', '2019-11-19T06:15:00.000Z'],
  ['Published : Aug 22, 2017 - 17:35', '2017-08-22T17:35:00.000Z'],
  ['입력 2019.11.19 10:00', '2019-11-19T10:00:00.000Z'],
  ['Posted on 2019-11-19 at 10:30', '2019-11-19T10:30:00.000Z'],
  ['version 2019-1-1x', null],
  // Other numeric forms.
  ['19.11.2019 10:30', '2019-11-19T10:30:00.000Z'],
  ['20191119', '2019-11-19T00:00:00.000Z'],
  ['1574168580', '2019-11-19T13:03:00.000Z'],
  ['1574168580000', '2019-11-19T13:03:00.000Z'],
  // Garbage and implausible dates.
  ['', null],
  ['garbage', null],
  ['May 2019', null],
  ['2019-02-30', null],
  ['2019-13-01', null],
  ['2019-11-19T25:00:00Z', null],
  ['0001-01-01T00:00:00Z', null],
  ['1985-06-01', null],
  ['2028-01-01', null],
  ['2017-08-22T21:05:00 XYZ', null],
];

describe('toUtcIso', () => {
  it.each(CASES)('%s → %s', (input, expected) => {
    expect(toUtcIso(input, NOW)).toBe(expected);
  });

  it('accepts a date up to a year ahead of now and rejects one further out', () => {
    expect(toUtcIso('2027-06-01', NOW)).toBe('2027-06-01T00:00:00.000Z');
    expect(toUtcIso('2027-12-31', NOW)).toBeNull();
  });
});
