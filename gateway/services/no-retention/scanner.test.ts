import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { CANARY_RESIDENTS } from '../../../adapters/dukcapil-sim/canaries.ts';
import { CANARY_STRINGS } from './canary-strings.ts';
import { scanForResidents } from './scanner.ts';

const dir = mkdtempSync(join(tmpdir(), 'gerbang-scan-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function plant(name: string, content: Buffer | string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

describe('the canary list', () => {
  it('holds every identifying string of the simulator’s canaries', () => {
    for (const record of Object.values(CANARY_RESIDENTS)) {
      for (const key of [
        'NIK',
        'NO_KK',
        'NAMA_LGKP',
        'NAMA_LGKP_IBU',
        'NAMA_LGKP_AYAH',
        'ALAMAT',
        'NO_AKTA_LHR',
      ])
        expect(CANARY_STRINGS).toContain(record[key]);
    }
  });
});

describe('scanForResidents', () => {
  it('finds canaries in UTF-8, UTF-16LE and UTF-16BE, in upper and lower case, with file and offset', () => {
    const utf16be = Buffer.from('x maryam kenari', 'utf16le').swap16();
    const file = plant(
      'a/mixed.bin',
      Buffer.concat([
        Buffer.from('....SITI KENARI RAHAYU..'),
        Buffer.from('jl. kenari no. 7', 'utf16le'),
        utf16be,
      ]),
    );
    const { findings } = scanForResidents([join(dir, 'a')], CANARY_STRINGS);
    expect(findings.map((f) => [f.file, f.offset, f.kind, f.encoding, f.masked])).toEqual([
      [file, 4, 'canary', 'utf8', 'SI**************YU'],
      [file, 24, 'canary', 'utf16le', 'jl************ 7'],
      [file, 60, 'canary', 'utf16be', 'ma*********ri'],
    ]);
  });

  it('finds any valid NIK, in ASCII or UTF-16, and not hashes, long numbers or invalid NIKs', () => {
    plant(
      'b/log.txt',
      '{"nik":"3374014506880123"} hash=ab3374014506880123cd n=33740145068801234 bad=6474013002900001',
    );
    plant('b/u16.bin', Buffer.from(' 9171014112990001 ', 'utf16le'));
    const { findings } = scanForResidents([join(dir, 'b')], []);
    expect(findings.map((f) => [f.kind, f.encoding, f.masked])).toEqual([
      ['nik', 'utf8', '33************23'],
      ['nik', 'utf16le', '91************01'],
    ]);
  });

  it('looks inside SQLite databases and their WAL', () => {
    const path = join(dir, 'c', 'store.db');
    mkdirSync(join(dir, 'c'));
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (v TEXT)');
    db.prepare('INSERT INTO t VALUES (?)').run('BUDI MERPATI SANTOSO');
    const { findings } = scanForResidents([join(dir, 'c')], CANARY_STRINGS);
    db.close();
    expect(
      findings.some((f) => f.file.endsWith('store.db-wal') || f.file.endsWith('store.db')),
    ).toBe(true);
  });

  it('reports nothing for a clean tree, and counts what it read', () => {
    plant(
      'd/clean.json',
      JSON.stringify({
        subject: 'ab'.repeat(32),
        time: '2026-01-15T03:00:00.000Z',
        seq: 1234567890,
      }),
    );
    expect(scanForResidents([join(dir, 'd')], CANARY_STRINGS)).toMatchObject({
      files: 1,
      findings: [],
    });
  });
});
