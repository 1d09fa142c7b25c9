import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CANARY_RESIDENTS } from '../adapters/dukcapil-sim/canaries.ts';
import { normaliseDate, normaliseUpstreamRecord, projectGrantedFields } from './allowlist.ts';
import { ELEMENTS } from './elements.ts';
import { CANARY_SITI_DROPPED_VALUES, CANARY_SITI_RELEASED } from '../test/fixtures/canary.ts';

const canary = CANARY_RESIDENTS['6474015709900001'] ?? {};

describe('normaliseUpstreamRecord', () => {
  it('maps the canary resident onto exactly the nine elements', () => {
    const { record, droppedKeys } = normaliseUpstreamRecord(canary);
    expect(record).toEqual(CANARY_SITI_RELEASED);
    // AGAMA, GOL_DARAH, parents, education, family role, region codes, DUSUN, EKTP_STATUS, NO_AKTA_LHR
    expect(droppedKeys).toBe(13);
    const serialised = JSON.stringify(record);
    for (const secret of CANARY_SITI_DROPPED_VALUES) expect(serialised).not.toContain(secret);
  });

  it('reads keys case-insensitively, pads numbers and normalises values', () => {
    const { record } = normaliseUpstreamRecord({
      nik: 3316010101850002,
      No_Kk: 3316012002100001,
      nama_lgkp: '  budi   merpati santoso ',
      jenis_klmin: 'Laki-Laki',
      TGL_LHR: '01-01-1985',
      NO_RT: 1,
      no_rw: '4',
      KODE_POS: 58219,
    });
    expect(record).toEqual({
      nik: '3316010101850002',
      no_kk: '3316012002100001',
      nama_lengkap: 'BUDI MERPATI SANTOSO',
      jenis_kelamin: 'LAKI-LAKI',
      tanggal_lahir: '1985-01-01',
      alamat: { rt: '001', rw: '004', kode_pos: '58219' },
    });
  });

  it('refuses values it cannot trust rather than passing them on', () => {
    const { record, unparseableValues } = normaliseUpstreamRecord({
      NIK: JSON.parse('9271014112990001') as number, // above 2^53: JSON.parse has changed its digits
      TGL_LHR: '1990-02-30',
      NO_RT: 'lima',
      NAMA_LGKP: { first: 'X' },
    });
    expect(record).toEqual({});
    expect(unparseableValues).toBe(4);
  });

  it('never lets an unknown key through, whatever the input', () => {
    const allowed = new Set<string>(ELEMENTS);
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string(),
          fc.oneof(fc.string(), fc.integer(), fc.double(), fc.constant(null), fc.object()),
        ),
        (raw) => {
          const { record } = normaliseUpstreamRecord(raw);
          for (const key of Object.keys(record)) expect(allowed.has(key)).toBe(true);
          for (const value of Object.values(record))
            expect(typeof value === 'string' || typeof value === 'object').toBe(true);
        },
      ),
    );
  });
});

describe('normaliseDate', () => {
  it.each([
    ['1990-09-17', '1990-09-17'],
    ['17-09-1990', '1990-09-17'],
    ['17/09/1990', '1990-09-17'],
    ['1990-09-17 00:00:00', '1990-09-17'],
    ['1990-09-17T00:00:00Z', '1990-09-17'],
    ['1990-13-01', undefined],
    ['31-04-1990', undefined],
    ['19900917', undefined],
    ['', undefined],
  ])('%s → %s', (input, expected) => {
    expect(normaliseDate(input)).toBe(expected);
  });
});

describe('projectGrantedFields', () => {
  it('keeps only the granted fields', () => {
    const { record } = normaliseUpstreamRecord(canary);
    expect(projectGrantedFields(record, ['nik', 'nama_lengkap'])).toEqual({
      nik: '6474015709900001',
      nama_lengkap: 'SITI KENARI RAHAYU',
    });
  });
  it('omits granted fields the upstream did not send', () => {
    const { record } = normaliseUpstreamRecord({ NIK: '6474015709900001' });
    expect(projectGrantedFields(record, ['nik', 'alamat'])).toEqual({ nik: '6474015709900001' });
  });
});
