import { describe, expect, it } from 'vitest';
import {
  agreementInForce,
  agreementState,
  validityWindow,
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

  it('is expiring from 90 days before the end', () => {
    const end = Date.parse('2027-02-11T16:00:00.000Z');
    expect(agreementState(demo, end - 90 * 86_400_000 - 1)).toBe('active');
    expect(agreementState(demo, end - 90 * 86_400_000)).toBe('expiring');
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
