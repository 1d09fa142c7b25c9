import { describe, expect, it } from 'vitest';
import { semesterPeriod } from '../../services/reports/semester.ts';
import {
  indonesianDate,
  indonesianPeriod,
  indonesianTime,
  monthsOf,
  zoneAbbreviation,
} from './indonesian-dates.ts';

describe('Indonesian dates', () => {
  it('names the zones of the three regions, and any other by its offset from UTC', () => {
    expect(
      ['Asia/Jakarta', 'Asia/Pontianak', 'Asia/Makassar', 'Asia/Jayapura', 'UTC'].map((zone) =>
        zoneAbbreviation(zone),
      ),
    ).toEqual(['WIB', 'WIB', 'WITA', 'WIT', 'UTC+00:00']);
  });

  it('writes a date with the month in Indonesian and no leading zero', () => {
    expect(indonesianDate('2026-08-05')).toBe('5 Agustus 2026');
  });

  it.each([
    [2026, 2, 'Asia/Makassar', '1 Juli – 31 Desember 2026 (WITA)'],
    [2026, 1, 'Asia/Jakarta', '1 Januari – 30 Juni 2026 (WIB)'],
    [2027, 1, 'Asia/Jayapura', '1 Januari – 30 Juni 2027 (WIT)'],
  ] as const)(
    'writes the half %i-S%i in %s with its last day inclusive',
    (year, half, zone, text) => {
      const period = semesterPeriod(year, half, zone);
      expect(indonesianPeriod(period.from, period.to, zone)).toBe(text);
    },
  );

  it('says both years when a period spans the new year', () => {
    expect(
      indonesianPeriod('2026-12-14T16:00:00.000Z', '2027-01-09T16:00:00.000Z', 'Asia/Makassar'),
    ).toBe('15 Desember 2026 – 9 Januari 2027 (WITA)');
  });

  it('writes an instant in the zone, past midnight UTC included', () => {
    expect(indonesianTime('2026-12-31T16:30:00.000Z', 'Asia/Makassar')).toBe(
      '1 Januari 2027 pukul 00.30 WITA',
    );
  });

  it('lists all six months of a half in the zone', () => {
    const period = semesterPeriod(2026, 2, 'Asia/Makassar');
    expect(monthsOf(period.from, period.to, period.timeZone)).toEqual([
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
      '2026-11',
      '2026-12',
    ]);
  });
});
