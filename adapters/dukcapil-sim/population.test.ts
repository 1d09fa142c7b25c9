import { describe, expect, it } from 'vitest';
import { AMBIGUOUS_NIKS, CANARY_NOT_FOUND_NIK, CANARY_RESIDENTS } from './canaries.ts';
import { SyntheticPopulation } from './population.ts';
import { normaliseUpstreamRecord } from '../../policies/index.ts';

describe('SyntheticPopulation', () => {
  const population = new SyntheticPopulation('test-seed');

  it('serves the canary residents exactly and knows the not-found canary is absent', () => {
    expect(population.find('6474015709900001')).toBe(CANARY_RESIDENTS['6474015709900001']);
    expect(population.find('3316010101850002')).toBe(CANARY_RESIDENTS['3316010101850002']);
    expect(population.find(CANARY_NOT_FOUND_NIK)).toBeUndefined();
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const nik = '3374014506880123';
    expect(new SyntheticPopulation('test-seed').find(nik)).toEqual(population.find(nik));
    expect(new SyntheticPopulation('other').find(nik)).not.toEqual(population.find(nik));
  });

  it('sends every upstream key, including those the gateway must drop, consistent with the NIK', () => {
    const nik = '3374014506880123'; // female, born 5 June 1988
    const record = population.find(nik);
    expect(record).toBeDefined();
    for (const key of [
      'AGAMA',
      'GOL_DARAH',
      'NAMA_LGKP_IBU',
      'PDDK_AKH',
      'STAT_HBKEL',
      'NO_AKTA_LHR',
      'EKTP_STATUS',
    ]) {
      expect(record).toHaveProperty(key);
    }
    expect(Object.keys(record ?? {}).length).toBeGreaterThanOrEqual(29);
    const { record: normalised } = normaliseUpstreamRecord(record ?? {});
    expect(normalised.jenis_kelamin).toBe('PEREMPUAN');
    expect(normalised.tanggal_lahir).toBe('1988-06-05');
    expect(normalised.nik).toBe(nik);
  });

  it('knows no NIK of invalid form', () => {
    expect(population.find('0000000000000000')).toBeUndefined();
    expect(population.find('6474013002900001')).toBeUndefined();
  });

  it('leaves about one valid NIK in twenty unknown', () => {
    let missing = 0;
    for (let serial = 1; serial <= 2000; serial++) {
      if (population.find(`337401010190${String(serial).padStart(4, '0')}`) === undefined)
        missing++;
    }
    expect(missing).toBeGreaterThan(50);
    expect(missing).toBeLessThan(160);
  });

  it('holds two different people under each ambiguous NIK, the same for a seed', () => {
    for (const nik of Object.keys(AMBIGUOUS_NIKS)) {
      const records = population.records(nik);
      expect(records).toHaveLength(2);
      expect(records.map((r) => String(r['NIK']))).toEqual([nik, nik]);
      expect(records[0]?.['NAMA_LGKP']).not.toBe(records[1]?.['NAMA_LGKP']);
      expect(population.find(nik)).toEqual(records[0]);
      expect(new SyntheticPopulation('test-seed').records(nik)).toEqual(records);
    }
    expect(population.records(CANARY_NOT_FOUND_NIK)).toEqual([]);
  });
});
