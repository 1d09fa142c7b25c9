import { describe, expect, it } from 'vitest';
import { decideLookup, type LookupRequestFacts } from './access.ts';
import { ELEMENTS } from './elements.ts';

const base: LookupRequestFacts = {
  agreementState: 'active',
  agreementElements: [...ELEMENTS],
  profile: { elements: ['nik', 'nama_lengkap'], purposes: ['pembayaran'] },
  purpose: 'pembayaran',
};

describe('decideLookup', () => {
  it('grants the profile when no fields are asked for', () => {
    expect(decideLookup(base)).toEqual({ allowed: true, fields: ['nik', 'nama_lengkap'] });
  });
  it('grants a subset', () => {
    expect(decideLookup({ ...base, requestedFields: ['nama_lengkap'] })).toEqual({
      allowed: true,
      fields: ['nama_lengkap'],
    });
  });
  it('refuses a field outside the profile', () => {
    expect(decideLookup({ ...base, requestedFields: ['nik', 'alamat'] })).toEqual({
      allowed: false,
      code: 'field_not_allowed',
    });
  });
  it('bounds the profile by the agreement', () => {
    const decision = decideLookup({
      ...base,
      agreementElements: ['nik'],
      requestedFields: ['nama_lengkap'],
    });
    expect(decision).toEqual({ allowed: false, code: 'field_not_allowed' });
  });
  it('refuses a purpose not granted', () => {
    expect(decideLookup({ ...base, purpose: 'pendaftaran-wp' })).toEqual({
      allowed: false,
      code: 'purpose_not_allowed',
    });
  });
  it.each(['pending', 'expired'] as const)(
    'refuses everything when the agreement is %s',
    (agreementState) => {
      expect(decideLookup({ ...base, agreementState })).toEqual({
        allowed: false,
        code: 'agreement_inactive',
      });
    },
  );
  it('refuses everything with its own code while the agreement is suspended (Pasal 6)', () => {
    expect(decideLookup({ ...base, agreementState: 'suspended' })).toEqual({
      allowed: false,
      code: 'agreement_suspended',
    });
  });
  it('still serves while the agreement is expiring', () => {
    expect(decideLookup({ ...base, agreementState: 'expiring' }).allowed).toBe(true);
  });
});
