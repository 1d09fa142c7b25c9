import { describe, expect, it } from 'vitest';
import type { Alamat, PopulationText } from './elements.ts';
import { normaliseDate } from './allowlist.ts';
import { compareClaim, normaliseText, similarity } from './claims.ts';

const p = (value: string) => value as PopulationText;
const ADDRESS: Alamat = {
  jalan: p('JL. KENARI NO. 7'),
  rt: p('005'),
  rw: p('002'),
  kelurahan: p('BONTANG BARU'),
  kecamatan: p('BONTANG UTARA'),
  kabupaten_kota: p('KOTA BONTANG'),
  provinsi: p('KALIMANTAN TIMUR'),
  kode_pos: p('75311'),
};

describe('normalisation', () => {
  it('folds case, spacing, punctuation, abbreviations and RT/RW padding', () => {
    expect(normaliseText('  Jl.  Kenari no.7, rt 5 / rw 02 ')).toBe(
      'JALAN KENARI NOMOR 7 RT 005 RW 002',
    );
    expect(normaliseText('JALAN KENARI NOMOR 7 RT 005 RW 002')).toBe(
      normaliseText('Jl. Kenari No. 7 RT 5 RW 2'),
    );
    expect(normaliseText('Sîti  Kenari-Rahayu')).toBe('SITI KENARI RAHAYU');
  });

  it('reads YYYY-MM-DD and DD-MM-YYYY and refuses impossible dates', () => {
    expect(normaliseDate('1990-09-17')).toBe('1990-09-17');
    expect(normaliseDate('17-09-1990')).toBe('1990-09-17');
    expect(normaliseDate('17/09/1990')).toBe('1990-09-17');
    expect(normaliseDate('1990-02-30')).toBeUndefined();
    expect(normaliseDate('31-04-1990')).toBeUndefined();
    expect(normaliseDate('17 September 1990')).toBeUndefined();
  });
});

describe('similarity', () => {
  it('is 100 for the same text, high for a typo, low for another name', () => {
    expect(similarity('SITI KENARI RAHAYU', 'siti kenari rahayu')).toBe(100);
    expect(similarity('RAHAYU SITI KENARI', 'SITI KENARI RAHAYU')).toBe(100);
    const typo = similarity('SITI KENARY RAHAYU', 'SITI KENARI RAHAYU');
    expect(typo).toBeGreaterThanOrEqual(90);
    expect(typo).toBeLessThan(100);
    expect(similarity('BUDI MERPATI SANTOSO', 'SITI KENARI RAHAYU')).toBeLessThan(50);
  });
});

describe('compareClaim', () => {
  it('matches exact elements after normalisation only', () => {
    expect(compareClaim('tanggal_lahir', '17-09-1990', p('1990-09-17'))).toEqual({
      match: true,
      score: 100,
    });
    expect(compareClaim('tanggal_lahir', '18-09-1990', p('1990-09-17'))).toEqual({
      match: false,
      score: 0,
    });
    expect(compareClaim('jenis_kelamin', 'P', p('PEREMPUAN')).match).toBe(true);
    expect(compareClaim('jenis_kelamin', 'Laki-Laki', p('PEREMPUAN')).match).toBe(false);
    expect(compareClaim('no_kk', '6474 0112 0315 0004', p('6474011203150004')).match).toBe(true);
    expect(compareClaim('status_perkawinan', 'kawin', p('KAWIN')).match).toBe(true);
    expect(compareClaim('status_perkawinan', 'BELUM KAWIN', p('KAWIN')).match).toBe(false);
  });

  it('scores names against the threshold', () => {
    const typo = compareClaim('nama_lengkap', 'Siti Kenary Rahayu', p('SITI KENARI RAHAYU'));
    expect(typo.match).toBe(true);
    expect(
      compareClaim('nama_lengkap', 'Siti Kenary Rahayu', p('SITI KENARI RAHAYU'), 99).match,
    ).toBe(false);
    expect(compareClaim('nama_lengkap', 'Budi Santoso', p('SITI KENARI RAHAYU')).match).toBe(false);
  });

  it('matches an address by its street line or in full, whatever the spelling', () => {
    expect(compareClaim('alamat', 'Jalan Kenari Nomor 7', ADDRESS)).toEqual({
      match: true,
      score: 100,
    });
    expect(compareClaim('alamat', 'JL KENARI NO 7 RT 5 RW 2', ADDRESS).score).toBe(100);
    expect(compareClaim('alamat', 'JL. MERPATI NO. 12', ADDRESS).match).toBe(false);
  });
});
