/** The semester calendar of PKS Pasal 8(1) in the agreement's zone (Asia/Makassar, UTC+8). */
import { describe, expect, it } from 'vitest';
import {
  previousSemester,
  reportCutOff,
  reportDue,
  semesterOf,
  semesterPeriod,
} from './semester.ts';

const ZONE = 'Asia/Makassar';

describe('semesters in the agreement zone', () => {
  it('cut January–June and July–December at local midnight, not UTC', () => {
    expect(semesterPeriod(2026, 1, ZONE)).toEqual({
      label: '2026-S1',
      from: '2025-12-31T16:00:00.000Z',
      to: '2026-06-30T16:00:00.000Z',
      timeZone: ZONE,
    });
    expect(semesterPeriod(2026, 2, ZONE).to).toBe('2026-12-31T16:00:00.000Z');
  });

  it('puts the last millisecond of 30 June in the first half and local midnight in the second', () => {
    expect(semesterOf(Date.parse('2026-06-30T15:59:59.999Z'), ZONE)).toEqual({
      year: 2026,
      half: 1,
    });
    expect(semesterOf(Date.parse('2026-06-30T16:00:00.000Z'), ZONE)).toEqual({
      year: 2026,
      half: 2,
    });
    // 31 December 20:00 UTC is already New Year's Day in Makassar.
    expect(semesterOf(Date.parse('2026-12-31T20:00:00Z'), ZONE)).toEqual({ year: 2027, half: 1 });
    expect(previousSemester(2027, 1)).toEqual({ year: 2026, half: 2 });
    expect(previousSemester(2026, 2)).toEqual({ year: 2026, half: 1 });
  });
});

describe('the cut-off of a report', () => {
  const period = semesterPeriod(2026, 1, ZONE);

  it('is the moment it is made, marked sementara, while the half runs', () => {
    const now = Date.parse('2026-06-20T02:00:00Z');
    expect(reportCutOff(period, now)).toEqual({
      cutOff: '2026-06-20T02:00:00.000Z',
      sementara: true,
    });
    expect(reportCutOff(period, Date.parse(period.to) - 1)).toEqual({
      cutOff: '2026-06-30T15:59:59.999Z',
      sementara: true,
    });
  });

  it('is the half’s end, and final, from the half’s end on', () => {
    expect(reportCutOff(period, Date.parse(period.to))).toEqual({
      cutOff: period.to,
      sementara: false,
    });
    expect(reportCutOff(period, Date.parse('2026-09-01T00:00:00Z'))).toEqual({
      cutOff: period.to,
      sementara: false,
    });
  });
});

describe('the due date (PKS Pasal 8(1): June for the first half, December for the second)', () => {
  it('is the last day of the half’s last month, ending with the half', () => {
    expect(reportDue(2026, 1, ZONE)).toEqual({
      semester: '2026-S1',
      deliveryMonth: '2026-06',
      windowOpens: '2026-05-31T16:00:00.000Z',
      dueDate: '2026-06-30',
      dueEnd: '2026-06-30T16:00:00.000Z',
      timeZone: ZONE,
    });
    expect(reportDue(2026, 2, ZONE)).toMatchObject({
      deliveryMonth: '2026-12',
      windowOpens: '2026-11-30T16:00:00.000Z',
      dueDate: '2026-12-31',
      dueEnd: '2026-12-31T16:00:00.000Z',
    });
  });
});
