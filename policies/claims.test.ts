import { describe, expect, it } from 'vitest';
import type { Alamat, PopulationText } from './elements.ts';
import { normaliseDate } from './allowlist.ts';
import {
  compareClaim,
  compareClaims,
  DEFAULT_VERIFY_THRESHOLD,
  isClaimWellFormed,
  isInCodeList,
  normaliseText,
  scoreClaim,
  similarity,
} from './claims.ts';
import { STATUS_PERKAWINAN, type PopulationRecord } from './elements.ts';

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

const T = DEFAULT_VERIFY_THRESHOLD;

describe('compareClaim', () => {
  it('matches exact elements after normalisation only', () => {
    expect(compareClaim('tanggal_lahir', '17-09-1990', p('1990-09-17'), T)).toEqual({
      match: true,
    });
    expect(compareClaim('tanggal_lahir', '18-09-1990', p('1990-09-17'), T)).toEqual({
      match: false,
    });
    expect(compareClaim('jenis_kelamin', 'P', p('PEREMPUAN'), T).match).toBe(true);
    expect(compareClaim('jenis_kelamin', 'Laki-Laki', p('PEREMPUAN'), T).match).toBe(false);
    expect(compareClaim('no_kk', '6474 0112 0315 0004', p('6474011203150004'), T).match).toBe(true);
    expect(compareClaim('status_perkawinan', 'kawin', p('KAWIN'), T).match).toBe(true);
    expect(compareClaim('status_perkawinan', 'BELUM KAWIN', p('KAWIN'), T).match).toBe(false);
  });

  it('compares names against the threshold it is given', () => {
    const typo = compareClaim('nama_lengkap', 'Siti Kenary Rahayu', p('SITI KENARI RAHAYU'), T);
    expect(typo.match).toBe(true);
    expect(
      compareClaim('nama_lengkap', 'Siti Kenary Rahayu', p('SITI KENARI RAHAYU'), 99).match,
    ).toBe(false);
    expect(compareClaim('nama_lengkap', 'Budi Santoso', p('SITI KENARI RAHAYU'), T).match).toBe(
      false,
    );
  });

  it('matches an address by its street line or in full, whatever the spelling', () => {
    expect(compareClaim('alamat', 'Jalan Kenari Nomor 7', ADDRESS, T)).toEqual({ match: true });
    expect(compareClaim('alamat', 'JL KENARI NO 7 RT 5 RW 2', ADDRESS, T).match).toBe(true);
    expect(compareClaim('alamat', 'JL. MERPATI NO. 12', ADDRESS, T).match).toBe(false);
  });

  it('gives a verdict with no score, for a near miss as for an exact match', () => {
    // The score is the oracle of finding 9: it must not exist on what the gateway answers.
    const nearMiss = compareClaim(
      'nama_lengkap',
      'SITI KENARI RAHAYX',
      p('SITI KENARI RAHAYU'),
      99,
    );
    const exact = compareClaim('nama_lengkap', 'SITI KENARI RAHAYU', p('SITI KENARI RAHAYU'), 99);
    expect(Object.keys(nearMiss)).toEqual(['match']);
    expect(Object.keys(exact)).toEqual(['match']);
  });
});

describe("scoreClaim (the simulator's wire format only)", () => {
  it('carries the similarity that the gateway never answers', () => {
    expect(scoreClaim('tanggal_lahir', '17-09-1990', p('1990-09-17'), T)).toEqual({
      match: true,
      score: 100,
    });
    expect(scoreClaim('alamat', 'JL KENARI NO 7 RT 5 RW 2', ADDRESS, T).score).toBe(100);
    const typo = scoreClaim('nama_lengkap', 'Siti Kenary Rahayu', p('SITI KENARI RAHAYU'), T);
    expect(typo.score).toBeGreaterThan(T);
    expect(typo.score).toBeLessThan(100);
  });
});

describe('status_perkawinan, compared by meaning (DOMAIN.md, "Code lists")', () => {
  const status = (claimed: string, registry: string) =>
    compareClaim('status_perkawinan', claimed, p(registry), T).match;

  it("matches an agency's short form with the registry's full code (issue 20's false mismatch)", () => {
    expect(status('KAWIN', 'KAWIN TERCATAT')).toBe(true);
    expect(status('kawin', 'KAWIN BELUM TERCATAT')).toBe(true);
    expect(status('Cerai Hidup', 'CERAI HIDUP TERCATAT')).toBe(true);
    expect(status('CERAI HIDUP', 'CERAI HIDUP BELUM TERCATAT')).toBe(true);
    expect(status('Belum Menikah', 'BELUM KAWIN')).toBe(true);
    expect(status('nikah siri', 'KAWIN BELUM TERCATAT')).toBe(true);
    expect(status('Janda', 'CERAI MATI')).toBe(true);
    // A registry that still writes the short form agrees with either full code.
    expect(status('KAWIN TERCATAT', 'KAWIN')).toBe(true);
  });

  it('does not match statuses of another meaning', () => {
    expect(status('KAWIN', 'CERAI MATI')).toBe(false);
    expect(status('KAWIN', 'BELUM KAWIN')).toBe(false);
    expect(status('CERAI HIDUP', 'CERAI MATI')).toBe(false);
    expect(status('CERAI HIDUP', 'KAWIN TERCATAT')).toBe(false);
    expect(status('JANDA', 'KAWIN TERCATAT')).toBe(false);
    // The registry knows whether the marriage is recorded: the full codes disagree.
    expect(status('KAWIN TERCATAT', 'KAWIN BELUM TERCATAT')).toBe(false);
    expect(status('CERAI HIDUP TERCATAT', 'CERAI HIDUP BELUM TERCATAT')).toBe(false);
  });

  it('matches every registry code with itself and with no other code', () => {
    for (const code of STATUS_PERKAWINAN)
      for (const other of STATUS_PERKAWINAN) expect(status(code, other)).toBe(code === other);
  });

  it('agrees with nothing outside the code list, which is not classified but well formed', () => {
    expect(status('MENIKAH DUA KALI', 'KAWIN TERCATAT')).toBe(false);
    expect(status('XYZ', 'XYZ')).toBe(false);
    expect(isInCodeList('status_perkawinan', 'kawin')).toBe(true);
    expect(isInCodeList('status_perkawinan', 'XYZ')).toBe(false);
    expect(isClaimWellFormed('status_perkawinan', 'XYZ')).toBe(true);
    expect(isInCodeList('jenis_kelamin', 'Laki-laki')).toBe(true);
    expect(isInCodeList('jenis_kelamin', 'X')).toBe(false);
    expect(isInCodeList('nama_lengkap', 'anything')).toBe(true);
  });
});

describe('compareClaims', () => {
  const record = {
    nama_lengkap: p('SITI KENARI RAHAYU'),
    tanggal_lahir: p('1990-09-17'),
  } as PopulationRecord;

  it('answers every claimed element with match or not, and an absent element as no match', () => {
    const verdicts = compareClaims(
      record,
      { nama_lengkap: 'Siti Kenary Rahayu', tanggal_lahir: '1990-09-18', tempat_lahir: 'BONTANG' },
      T,
    );
    expect(verdicts).toEqual({
      nama_lengkap: { match: true },
      tanggal_lahir: { match: false },
      tempat_lahir: { match: false },
    });
  });
});
