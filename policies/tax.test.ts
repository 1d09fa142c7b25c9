import { describe, expect, it } from 'vitest';
import {
  isJenisPajak,
  JENIS_PAJAK,
  levelOfTax,
  PROVINCE_TAXES,
  REGENCY_CITY_TAXES,
  taxesOfLevel,
} from './tax.ts';

describe('jenis pajak per agency level (UU 1/2022 Pasal 4)', () => {
  it('gives a city or regency its own taxes and opsen, never a province tax', () => {
    for (const level of ['kota', 'kabupaten'] as const) {
      const taxes = taxesOfLevel(level);
      expect(taxes).toContain('PBB_P2');
      expect(taxes).toContain('BPHTB');
      expect(taxes).toContain('OPSEN_PKB');
      for (const province of ['PKB', 'BBNKB', 'PAB', 'PBBKB', 'PAP', 'PAJAK_ROKOK', 'OPSEN_MBLB'])
        expect(taxes).not.toContain(province);
    }
  });

  it('gives a province its taxes and the opsen on MBLB, never a city tax', () => {
    const taxes = taxesOfLevel('provinsi');
    expect(taxes).toEqual(['PKB', 'BBNKB', 'PAB', 'PBBKB', 'PAP', 'PAJAK_ROKOK', 'OPSEN_MBLB']);
    expect(taxes).not.toContain('OPSEN_PKB');
    expect(taxes).not.toContain('PBB_P2');
  });

  it('places every tax type at exactly one level', () => {
    expect(new Set(JENIS_PAJAK).size).toBe(JENIS_PAJAK.length);
    expect(PROVINCE_TAXES.length + REGENCY_CITY_TAXES.length).toBe(JENIS_PAJAK.length);
    for (const jenis of JENIS_PAJAK) {
      expect(isJenisPajak(jenis)).toBe(true);
      const city = (REGENCY_CITY_TAXES as readonly string[]).includes(jenis);
      expect(levelOfTax(jenis)).toBe(city ? 'kabupaten/kota' : 'provinsi');
    }
    expect(isJenisPajak('PAJAK_ANJING')).toBe(false);
  });
});
