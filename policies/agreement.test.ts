import { describe, expect, it } from 'vitest';
import {
  agreementInForce,
  agreementServes,
  agreementState,
  daysLeft,
  effectiveTerms,
  extensionNoticeStart,
  nextStateChange,
  validityWindow,
  type AgreementInstrument,
  type AgreementTerms,
} from './agreement.ts';
import { ELEMENTS } from './elements.ts';

const demo: AgreementTerms = {
  number: '400.12.4.3/9/DKPS/2025',
  validFrom: '2025-02-12',
  validUntil: '2027-02-11',
  timeZone: 'Asia/Makassar',
  elements: [...ELEMENTS],
};

describe('agreement validity', () => {
  it('starts at midnight WITA of the first day and ends at midnight WITA after the last day', () => {
    const { start, end } = validityWindow(demo);
    expect(new Date(start).toISOString()).toBe('2025-02-11T16:00:00.000Z');
    expect(new Date(end).toISOString()).toBe('2027-02-11T16:00:00.000Z');
  });

  it('changes state at the exact second', () => {
    const end = Date.parse('2027-02-11T16:00:00.000Z');
    expect(agreementState(demo, end - 1)).toBe('expiring');
    expect(agreementState(demo, end)).toBe('expired');
    const start = Date.parse('2025-02-11T16:00:00.000Z');
    expect(agreementState(demo, start - 1)).toBe('pending');
    expect(agreementState(demo, start)).toBe('active');
  });

  it('is expiring from 3 calendar months before the last day, at midnight in its zone', () => {
    // Last day 11 February 2027: the warning begins on 11 November 2026, 00:00 WITA (UTC+8).
    const from = Date.parse('2026-11-10T16:00:00.000Z');
    expect(extensionNoticeStart(demo)).toBe(from);
    expect(agreementState(demo, from - 1)).toBe('active');
    expect(agreementState(demo, from)).toBe('expiring');
    // 90 days before the end would have been 13 November: months, not days, count.
    expect(agreementState(demo, Date.parse('2026-11-12T00:00:00Z'))).toBe('expiring');
  });

  it('counts extensionNoticeMonths in calendar months, a missing day being the month’s last', () => {
    expect(extensionNoticeStart({ ...demo, extensionNoticeMonths: 1 })).toBe(
      Date.parse('2027-01-10T16:00:00.000Z'),
    );
    // 31 May − 3 months: 28 February (2027 is not a leap year), not 3 March.
    expect(extensionNoticeStart({ ...demo, validUntil: '2027-05-31' })).toBe(
      Date.parse('2027-02-27T16:00:00.000Z'),
    );
    expect(nextStateChange([demo], Date.parse('2026-06-01T00:00:00Z'))).toBe(
      Date.parse('2026-11-10T16:00:00.000Z'),
    );
  });

  it('handles zones with daylight saving (Europe/Berlin, last Sunday of March)', () => {
    const { start } = validityWindow({
      ...demo,
      validFrom: '2025-03-31',
      timeZone: 'Europe/Berlin',
    });
    expect(new Date(start).toISOString()).toBe('2025-03-30T22:00:00.000Z');
  });

  it('picks the agreement in force among several', () => {
    const renewal: AgreementTerms = {
      ...demo,
      number: 'RENEWAL',
      validFrom: '2027-02-12',
      validUntil: '2029-02-11',
    };
    expect(
      agreementInForce([demo, renewal], Date.parse('2026-01-01T00:00:00Z'))?.terms.number,
    ).toBe(demo.number);
    expect(
      agreementInForce([demo, renewal], Date.parse('2027-06-01T00:00:00Z'))?.terms.number,
    ).toBe('RENEWAL');
    expect(agreementInForce([demo], Date.parse('2030-01-01T00:00:00Z'))?.state).toBe('expired');
    expect(agreementInForce([renewal], Date.parse('2026-01-01T00:00:00Z'))?.state).toBe('pending');
    expect(agreementInForce([], Date.now())).toBeUndefined();
  });
});

describe('termination', () => {
  it('is terminated from the effective instant, whatever the window says', () => {
    const at = Date.parse('2026-05-01T00:00:00Z');
    const terminated = { ...demo, terminatedAt: at };
    expect(agreementState(terminated, at - 1)).toBe('active');
    expect(agreementState(terminated, at)).toBe('terminated');
    expect(agreementInForce([terminated], at)?.state).toBe('terminated');
  });
  it('a renewal starting after a termination governs from its first day', () => {
    const terminated = { ...demo, terminatedAt: Date.parse('2026-05-01T00:00:00Z') };
    const renewal: AgreementTerms = {
      ...demo,
      number: 'NEW',
      validFrom: '2026-06-01',
      validUntil: '2028-05-31',
    };
    expect(agreementInForce([terminated, renewal], Date.parse('2026-05-15T00:00:00Z'))?.state).toBe(
      'terminated',
    );
    expect(
      agreementInForce([terminated, renewal], Date.parse('2026-05-31T16:00:00Z')),
    ).toMatchObject({ terms: { number: 'NEW' }, state: 'active' });
  });
});

const HASH = 'ab'.repeat(32);
// 1 January 2027, 00:00 WITA (Asia/Makassar, UTC+8) is 31 December 2026, 16:00 UTC.
const ADDENDUM_DAY = Date.parse('2026-12-31T16:00:00.000Z');
const narrowing: AgreementInstrument = {
  kind: 'addendum',
  number: 'ADD/1/2026',
  effectiveOn: '2027-01-01',
  sha256: HASH,
  elements: ['nik', 'nama_lengkap'],
};

describe('instruments', () => {
  it('an addendum narrows the elements from 00:00 of its effective day in the agreement’s zone', () => {
    const amended = { ...demo, instruments: [narrowing] };
    expect(effectiveTerms(amended, ADDENDUM_DAY - 1).elements).toEqual([...ELEMENTS]);
    expect(effectiveTerms(amended, ADDENDUM_DAY).elements).toEqual(['nik', 'nama_lengkap']);
    expect(agreementInForce([amended], ADDENDUM_DAY - 1)?.terms.elements).toHaveLength(9);
    expect(agreementInForce([amended], ADDENDUM_DAY)).toMatchObject({
      terms: { number: demo.number, elements: ['nik', 'nama_lengkap'] },
      agreement: { elements: [...ELEMENTS] },
      state: 'expiring',
    });
    expect(nextStateChange([amended], ADDENDUM_DAY - 1_000)).toBe(ADDENDUM_DAY);
  });

  it('in a zone seven hours away the same date is another instant', () => {
    const jayapura = { ...demo, timeZone: 'Asia/Jayapura', instruments: [narrowing] };
    // 00:00 WIT (UTC+9) is 15:00 UTC: at 15:30 UTC Jayapura is on the new day, Makassar is not.
    const at = Date.parse('2026-12-31T15:30:00.000Z');
    expect(effectiveTerms(jayapura, at).elements).toHaveLength(2);
    expect(effectiveTerms({ ...demo, instruments: [narrowing] }, at).elements).toHaveLength(9);
  });

  it('a renewal extends the last day from its effective day; later instruments apply on top', () => {
    const renewal: AgreementInstrument = {
      kind: 'renewal',
      number: 'PERPANJANGAN/2027',
      effectiveOn: '2027-02-01',
      sha256: HASH,
      validUntil: '2029-02-11',
    };
    const terms = { ...demo, instruments: [renewal, narrowing] };
    const after = Date.parse('2027-03-01T00:00:00Z');
    expect(agreementState(terms, after)).toBe('active');
    expect(effectiveTerms(terms, after)).toMatchObject({
      validUntil: '2029-02-11',
      elements: ['nik', 'nama_lengkap'],
    });
    expect(daysLeft(terms, after)).toBeGreaterThan(700);
    // Before the renewal's day the old end governs (and warns).
    expect(agreementState(terms, Date.parse('2027-01-15T00:00:00Z'))).toBe('expiring');
    // An agreement without instruments is the PKS alone.
    expect(agreementState(demo, after)).toBe('expired');
  });

  it('is the same object at every instant between two steps (windows are computed once)', () => {
    const terms = { ...demo, instruments: [narrowing] };
    expect(effectiveTerms(terms, ADDENDUM_DAY)).toBe(effectiveTerms(terms, ADDENDUM_DAY + 5_000));
    expect(effectiveTerms(effectiveTerms(terms, ADDENDUM_DAY - 1), ADDENDUM_DAY).elements).toEqual([
      ...ELEMENTS,
    ]);
  });
});

describe('suspension (PKS Pasal 6)', () => {
  const from = Date.parse('2026-03-01T02:00:00Z');
  const until = Date.parse('2026-03-05T02:00:00Z');

  it('is suspended while a suspension is open and active again after its resumption', () => {
    const paused = { ...demo, suspensions: [{ from, until, reason: 'banjir' }] };
    expect(agreementState(paused, from - 1)).toBe('active');
    expect(agreementState(paused, from)).toBe('suspended');
    expect(agreementState(paused, until - 1)).toBe('suspended');
    expect(agreementState(paused, until)).toBe('active');
    expect(agreementInForce([paused], from)).toMatchObject({
      terms: { number: demo.number },
      state: 'suspended',
    });
    expect(nextStateChange([paused], from - 10)).toBe(from);
    expect(nextStateChange([paused], from)).toBe(until);
  });

  it('an open suspension lasts; a termination or the end still prevails', () => {
    const open = { ...demo, suspensions: [{ from }] };
    expect(agreementState(open, Date.parse('2026-12-01T00:00:00Z'))).toBe('suspended');
    expect(agreementState(open, Date.parse('2027-03-01T00:00:00Z'))).toBe('expired');
    expect(agreementState({ ...open, terminatedAt: from + 1 }, from + 1)).toBe('terminated');
  });
});

describe('clients', () => {
  it('an agreement without clients serves every client; one with clients only those', () => {
    expect(agreementServes(demo, 'app-kasir')).toBe(true);
    expect(agreementServes({ ...demo, clients: ['app-pendaftaran'] }, 'app-kasir')).toBe(false);
    expect(agreementServes({ ...demo, clients: ['app-pendaftaran'] }, 'app-pendaftaran')).toBe(
      true,
    );
  });
});
