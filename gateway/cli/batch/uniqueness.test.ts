/** NIK uniqueness inside the agency's file (PKS Pasal 2(2)a), from the census alone. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLayout } from './plan.ts';
import { censusOfFile, NikCensus } from './uniqueness.ts';

const SITI = '6474015709900001';
const BUDI = '6474011012832384';
const ANDI = '3316010101850002';

describe('NikCensus', () => {
  it('says nothing about a NIK written once, and names the other row of a repeated one', () => {
    const census = new NikCensus();
    census.add(1, SITI, 'Siti Kenari Rahayu');
    census.add(2, BUDI, 'Budi');
    census.add(3, ` ${SITI} `, 'SITI  KENARI-RAHAYU');
    census.add(4, SITI, 'rahayu siti kenari');
    expect(census.finding(2)).toEqual({ nikInFile: 'unique' });
    // The same person in another spelling, case or word order: repeated, not a conflict.
    expect(census.finding(1)).toEqual({ nikInFile: 'repeated', sameNikAs: 3 });
    expect(census.finding(3)).toEqual({ nikInFile: 'repeated', sameNikAs: 1 });
    expect(census.finding(4)).toEqual({ nikInFile: 'repeated', sameNikAs: 1 });
    expect(census.summary()).toEqual({ repeatedNiks: 1, repeatedRows: 3, namesDifferRows: 0 });
  });

  it('flags every row of a NIK written with different names', () => {
    const census = new NikCensus();
    census.add(1, ANDI, 'Andi Saputra');
    census.add(2, ANDI, '');
    census.add(3, ANDI, 'Dewi Lestari');
    census.add(4, SITI, undefined);
    census.add(5, SITI, undefined);
    for (const row of [1, 2, 3]) expect(census.finding(row).nikInFile).toBe('names_differ');
    // Without a name column a repeated NIK is repeated, never a conflict.
    expect(census.finding(5)).toEqual({ nikInFile: 'repeated', sameNikAs: 4 });
    expect(census.summary()).toEqual({ repeatedNiks: 2, repeatedRows: 5, namesDifferRows: 3 });
  });

  it('does not count rows without a NIK', () => {
    const census = new NikCensus();
    census.add(1, '', 'A');
    census.add(2, ' ', 'B');
    expect(census.finding(1)).toEqual({ nikInFile: 'unique' });
    expect(census.summary().repeatedRows).toBe(0);
  });
});

describe('censusOfFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gerbang-census-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the NIK and name columns wherever they are, and skips blank rows without renumbering', async () => {
    const path = join(dir, 'in.csv');
    writeFileSync(
      path,
      [
        'jenis_kelamin,NAMA_LENGKAP,nik',
        `P,Siti,${SITI}`,
        `L,Budi,${SITI}`,
        ',,',
        `L,Budi,${BUDI}`,
        '',
      ].join('\r\n'),
    );
    const census = await censusOfFile(path, readLayout(['jenis_kelamin', 'NAMA_LENGKAP', 'nik']));
    expect(census.finding(1)).toEqual({ nikInFile: 'names_differ', sameNikAs: 2 });
    expect(census.finding(4)).toEqual({ nikInFile: 'unique' });
    expect(census.summary()).toEqual({ repeatedNiks: 1, repeatedRows: 2, namesDifferRows: 2 });
  });
});
