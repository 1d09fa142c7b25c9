/** Planning rows locally: the header contract, and which rows never need the gateway. */
import { describe, expect, it } from 'vitest';
import { LayoutError, planRow, readLayout, resultFromVerdicts } from './plan.ts';

const layout = readLayout(['NIK', 'nama_lengkap', 'tanggal_lahir', 'jenis_kelamin']);
const SITI = '6474015709900001';

describe('readLayout', () => {
  it.each([
    [['nik', 'npwpd'], /not elements: "npwpd"/],
    [['nik', 'agama'], /not elements: "agama"/],
    [['nama_lengkap'], /no nik column/],
    [['nik'], /no element to verify/],
    [['nik', 'nama_lengkap', 'NAMA_LENGKAP'], /a column twice: nama_lengkap/],
  ])('refuses the header %j', (header, message) => {
    expect(() => readLayout(header)).toThrow(LayoutError);
    expect(() => readLayout(header)).toThrow(message);
  });

  it('accepts canonical names in any case and order', () => {
    expect(readLayout([' Tanggal_Lahir ', 'nik'])).toEqual({
      nikColumn: 1,
      claimColumns: [{ element: 'tanggal_lahir', column: 0 }],
      width: 2,
    });
  });
});

describe('planRow', () => {
  it('sends the non-empty claims of a well-formed row', () => {
    expect(planRow(layout, [SITI, 'Siti Kenari Rahayu', '', 'P'])).toEqual({
      kind: 'query',
      nik: SITI,
      claims: { nama_lengkap: 'Siti Kenari Rahayu', jenis_kelamin: 'P' },
      missing: ['tanggal_lahir'],
    });
  });

  it.each([
    ['a short row', [SITI, 'A'], { outcome: 'invalid_format', error: 'wrong_field_count' }],
    [
      'a NIK of invalid form',
      ['647401570990', 'A', '', 'P'],
      { outcome: 'invalid_format', invalid: ['nik'], missing: ['tanggal_lahir'] },
    ],
    [
      'an impossible date',
      [SITI, 'A', '31-02-1990', 'P'],
      { outcome: 'invalid_format', invalid: ['tanggal_lahir'] },
    ],
    [
      'an unknown sex',
      [SITI, 'A', '1990-09-17', 'X'],
      { outcome: 'unclassified', unclassified: ['jenis_kelamin'] },
    ],
    [
      'an impossible date beside an unknown sex',
      [SITI, 'A', '31-02-1990', 'X'],
      { outcome: 'invalid_format', invalid: ['tanggal_lahir'], unclassified: ['jenis_kelamin'] },
    ],
    ['no NIK', ['', 'A', '1990-09-17', 'P'], { outcome: 'incomplete', missing: ['nik'] }],
    [
      'no claims',
      [SITI, ' ', '', ''],
      { outcome: 'incomplete', missing: ['nama_lengkap', 'tanggal_lahir', 'jenis_kelamin'] },
    ],
  ])('settles %s without asking', (_, fields, result) => {
    expect(planRow(layout, fields)).toEqual({ kind: 'done', result });
  });
});

describe('planRow: classification of the coded elements', () => {
  const coded = readLayout(['nik', 'status_perkawinan', 'jenis_kelamin', 'nama_lengkap']);

  it("sends an agency's short form of a marital status, to be compared by meaning", () => {
    expect(planRow(coded, [SITI, 'Kawin', 'P', 'Siti'])).toMatchObject({
      kind: 'query',
      claims: { status_perkawinan: 'Kawin', jenis_kelamin: 'P' },
    });
    expect(planRow(coded, [SITI, 'CERAI HIDUP TERCATAT', 'PEREMPUAN', 'Siti']).kind).toBe('query');
  });

  it('settles a status outside the code list as unclassified, with the empty cells, unsent', () => {
    expect(planRow(coded, [SITI, 'PACARAN', 'P', ''])).toEqual({
      kind: 'done',
      result: {
        outcome: 'unclassified',
        unclassified: ['status_perkawinan'],
        missing: ['nama_lengkap'],
      },
    });
  });
});

describe('resultFromVerdicts', () => {
  it('names the mismatched elements in canonical order, with the missing ones', () => {
    expect(
      resultFromVerdicts(
        {
          tanggal_lahir: { match: false },
          nama_lengkap: { match: false },
          jenis_kelamin: { match: true },
        },
        ['jenis_pekerjaan'],
      ),
    ).toEqual({
      outcome: 'mismatch',
      mismatched: ['nama_lengkap', 'tanggal_lahir'],
      missing: ['jenis_pekerjaan'],
    });
  });

  it('is incomplete when all present claims match but a cell was empty, else valid', () => {
    expect(resultFromVerdicts({ nama_lengkap: { match: true } }, ['alamat'])).toEqual({
      outcome: 'incomplete',
      missing: ['alamat'],
    });
    expect(resultFromVerdicts({ nama_lengkap: { match: true } }, [])).toEqual({
      outcome: 'valid',
    });
  });
});
