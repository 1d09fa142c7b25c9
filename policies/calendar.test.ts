import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addYears,
  agreementCalendarProblems,
  calendarDateIn,
  isCalendarDate,
  isIanaTimeZone,
  isInstantInRange,
  localTimeIn,
  parseIsoInstant,
  zoneAbbreviation,
} from './calendar.ts';

describe('calendar dates', () => {
  it.each([
    ['2025-02-12', true],
    ['2000-01-01', true],
    ['2100-12-31', true],
    ['2028-02-29', true],
    ['2027-02-29', false],
    ['2025-02-30', false],
    ['2025-13-01', false],
    ['1999-12-31', false],
    ['2101-01-01', false],
    ['9999-12-31', false],
    ['2025-2-12', false],
    ['+02025-02-12', false],
    [' 2025-02-12', false],
    [20250212, false],
  ])('%s → %s', (value, expected) => {
    expect(isCalendarDate(value)).toBe(expected);
  });

  it('accepts exactly the days Date knows, within the range', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1990, max: 2110 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (y, m, d) => {
          const text = `${String(y)}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          // The oracle: Date parses the day and prints it back unchanged (no 30 February).
          const parsed = Date.parse(`${text}T00:00:00Z`);
          const real = !Number.isNaN(parsed) && new Date(parsed).toISOString().startsWith(text);
          expect(isCalendarDate(text)).toBe(real && y >= 2000 && y <= 2100);
        },
      ),
    );
  });

  it('shifts by days and years as a calendar does', () => {
    expect(addDays('2027-02-11', 1)).toBe('2027-02-12');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addYears('2025-02-12', 2)).toBe('2027-02-12');
    expect(addYears('2028-02-29', 1)).toBe('2029-03-01');
  });

  it('bounds stored instants to 2000–2100', () => {
    expect(isInstantInRange(Date.parse('2026-01-01T00:00:00Z'))).toBe(true);
    expect(isInstantInRange(Date.parse('1999-12-31T23:59:59Z'))).toBe(false);
    expect(isInstantInRange(Date.parse('2101-01-01T00:00:00Z'))).toBe(false);
    expect(isInstantInRange(1.5)).toBe(false);
    expect(isInstantInRange('2026')).toBe(false);
  });
});

describe('time zones', () => {
  it.each([
    ['Asia/Makassar', true],
    ['Asia/Jakarta', true],
    ['America/Argentina/Buenos_Aires', true],
    ['Europe/Kyiv', true],
    ['Asia/Ujung_Pandang', true],
    ['UTC', true],
    ['Not/AZone', false],
    ['Mars/Olympus', false],
    ['+08:00', false],
    ['Etc/GMT-8', false],
    ['Etc/GMT+8', false],
    ['SystemV/AST4', false],
    ['US/Pacific', false],
    ['ASIA/MAKASSAR', false],
    ['Asia/Makassar ', false],
    ['asia/makassar', false],
    ['', false],
    [`Asia/${'x'.repeat(80)}`, false],
  ])('%s → %s', (zone, expected) => {
    expect(isIanaTimeZone(zone)).toBe(expected);
  });

  it('dates an instant in the zone, not in UTC', () => {
    // 16:30 UTC on 11 February is already 12 February in Makassar (UTC+8).
    const instant = Date.parse('2027-02-11T16:30:00Z');
    expect(calendarDateIn(instant, 'Asia/Makassar')).toBe('2027-02-12');
    expect(calendarDateIn(instant, 'UTC')).toBe('2027-02-11');
  });
});

describe('an agreement’s calendar fields', () => {
  const sound = {
    signedOn: '2025-02-12',
    validFrom: '2025-02-12',
    validUntil: '2027-02-11',
    timeZone: 'Asia/Makassar',
  };
  it('finds nothing wrong with the Bontang agreement', () => {
    expect(agreementCalendarProblems(sound)).toEqual([]);
  });
  it('names every field that is wrong', () => {
    expect(
      agreementCalendarProblems({
        ...sound,
        signedOn: '2025-02-30',
        validUntil: '9999-12-31',
        timeZone: 'Not/AZone',
        iso27001SubmittedOn: 'kemarin',
      }).map((p) => p.field),
    ).toEqual(['signedOn', 'validUntil', 'iso27001SubmittedOn', 'timeZone']);
    expect(agreementCalendarProblems({ ...sound, validUntil: '2025-02-11' })).toEqual([
      { field: 'validUntil', problem: 'must not be before validFrom' },
    ]);
  });
});

describe('ISO instants', () => {
  it.each([
    ['2027-02-11T16:00:00.000Z', Date.parse('2027-02-11T16:00:00.000Z')],
    ['2027-02-12T00:00+08:00', Date.parse('2027-02-11T16:00:00.000Z')],
    ['2026-07-01', Date.parse('2026-07-01T00:00:00Z')],
    ['2027-02-30T00:00:00Z', undefined],
    ['2027-02-11T24:00Z', undefined],
    ['2027-06-01 08:00', undefined],
    ['2027-06-01T08:00', undefined],
    ['1', undefined],
    ['Dec 25 2027 10:00', undefined],
    ['9999-01-01T00:00:00Z', undefined],
    ['2100-12-31T23:59:59Z', Date.parse('2100-12-31T23:59:59Z')],
    ['2100-12-31T23:59:59-01:00', undefined],
  ])('%s → %s', (text, expected) => {
    expect(parseIsoInstant(text)).toBe(expected);
  });
});

describe('zone names', () => {
  it('names the three Indonesian zones, and any other by its offset', () => {
    expect(zoneAbbreviation('Asia/Jakarta')).toBe('WIB');
    expect(zoneAbbreviation('Asia/Pontianak')).toBe('WIB');
    expect(zoneAbbreviation('Asia/Makassar')).toBe('WITA');
    expect(zoneAbbreviation('Asia/Jayapura')).toBe('WIT');
    expect(zoneAbbreviation('UTC')).toBe('UTC+00:00');
    expect(zoneAbbreviation('Asia/Kolkata')).toBe('UTC+05:30');
  });

  it('shows an instant as the wall time of the zone, the date rolled over at its midnight', () => {
    expect(localTimeIn(Date.parse('2026-12-31T16:30:00Z'), 'Asia/Makassar')).toBe(
      '2027-01-01 00:30:00 WITA',
    );
    expect(localTimeIn(Date.parse('2026-01-15T03:00:00Z'), 'Asia/Jakarta')).toBe(
      '2026-01-15 10:00:00 WIB',
    );
  });
});
