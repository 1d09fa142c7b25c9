/**
 * A deterministic synthetic population: every NIK of valid form maps to the same plausible
 * resident for a given seed (birth date and sex come from the NIK itself, the rest from a seeded
 * PRNG), except the canary that is "not in the registry" and about one NIK in twenty. The words
 * it picks from are population-words.ts.
 */
import { createHash } from 'node:crypto';
import { checkNik } from '../../policies/nik.ts';
import { AMBIGUOUS_NIKS, CANARY_NOT_FOUND_NIK, CANARY_RESIDENTS } from './canaries.ts';
import {
  BLOOD,
  DISTRICTS,
  EDUCATION,
  FAMILY,
  FAMILY_ROLES,
  GIVEN_FEMALE,
  GIVEN_MALE,
  KNOWN_REGENCIES,
  MARITAL,
  OCCUPATIONS,
  PROVINCES,
  REGENCY_STEMS,
  RELIGIONS,
  STREETS,
  VILLAGES,
} from './population-words.ts';

/** mulberry32: small, fast, good enough for synthetic data (and reproducible test files). */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, list: readonly T[]): T {
  const item = list[Math.floor(random() * list.length)];
  if (item === undefined) throw new Error('empty list');
  return item;
}

function birthDateFromNik(nik: string): string {
  const encodedDay = Number(nik.slice(6, 8));
  const day = encodedDay > 40 ? encodedDay - 40 : encodedDay;
  const month = nik.slice(8, 10);
  const yy = Number(nik.slice(10, 12));
  // Born in 20yy only if that is not in the future and the date exists then.
  const thisYear = new Date().getUTCFullYear() % 100;
  let year = yy <= thisYear ? 2000 + yy : 1900 + yy;
  const exists = (y: number): boolean =>
    new Date(Date.UTC(y, Number(month) - 1, day)).getUTCDate() === day;
  if (!exists(year)) year = year >= 2000 ? year - 100 : year + 100;
  return `${year}-${month}-${String(day).padStart(2, '0')}`;
}

export class SyntheticPopulation {
  private readonly seed: string;

  constructor(seed: string) {
    this.seed = seed;
  }

  private randomFor(nik: string, variant = ''): () => number {
    const digest = createHash('sha256')
      .update(this.seed)
      .update('\0')
      .update(nik)
      .update(variant)
      .digest();
    return prng(digest.readUInt32BE(0));
  }

  /**
   * The upstream record for a NIK, with all ~30 keys Dukcapil sends, or undefined; for a NIK with
   * several records (AMBIGUOUS_NIKS), the first of them: use `records` to see them all.
   */
  find(nik: string): Readonly<Record<string, unknown>> | undefined {
    return this.records(nik)[0];
  }

  /** Every record the registry holds for a NIK: none, one, or two for AMBIGUOUS_NIKS. */
  records(nik: string): readonly Readonly<Record<string, unknown>>[] {
    const canary = CANARY_RESIDENTS[nik];
    if (canary !== undefined) return [canary];
    if (nik === CANARY_NOT_FOUND_NIK) return [];
    const check = checkNik(nik);
    if (!check.valid) return [];
    if (AMBIGUOUS_NIKS[nik] !== undefined)
      // Two people registered under one NIK: the second drawn from its own stream.
      return [
        this.generate(nik, check.sex, this.randomFor(nik)),
        this.generate(nik, check.sex, this.randomFor(nik, '#2')),
      ];
    const random = this.randomFor(nik);
    if (random() < 0.05) return [];
    return [this.generate(nik, check.sex, random)];
  }

  private generate(
    nik: string,
    sex: string | undefined,
    random: () => number,
  ): Readonly<Record<string, unknown>> {
    const female = sex === 'PEREMPUAN';
    const family = pick(random, FAMILY);
    const name = `${pick(random, female ? GIVEN_FEMALE : GIVEN_MALE)} ${family}`;
    const regencyCode = nik.slice(0, 4);
    const regency = KNOWN_REGENCIES[regencyCode] ?? `KABUPATEN ${pick(random, REGENCY_STEMS)}`;
    const district = `${regency.replace(/^(KOTA|KABUPATEN) /, '')} ${pick(random, DISTRICTS)}`;
    const rtNumber = 1 + Math.floor(random() * 15);
    const rwNumber = 1 + Math.floor(random() * 10);
    const kkDate = `${String(1 + Math.floor(random() * 28)).padStart(2, '0')}${String(1 + Math.floor(random() * 12)).padStart(2, '0')}${String(10 + Math.floor(random() * 15))}`;
    const kk = `${nik.slice(0, 6)}${kkDate}${String(1 + Math.floor(random() * 9999)).padStart(4, '0')}`;
    const birthDate = birthDateFromNik(nik);
    return {
      // NIK sometimes arrives as a number (it fits: province codes stay below 2^53's 9007...).
      NIK: random() < 0.2 && Number.isSafeInteger(Number(nik)) ? Number(nik) : nik,
      NO_KK: kk,
      NAMA_LGKP: name,
      // Dukcapil is upper case with exceptions such as "Laki-Laki".
      JENIS_KLMIN: female ? 'PEREMPUAN' : random() < 0.3 ? 'Laki-Laki' : 'LAKI-LAKI',
      TMPT_LHR: regency.replace(/^(KOTA|KABUPATEN) /, ''),
      TGL_LHR: birthDate,
      AGAMA: pick(random, RELIGIONS),
      STATUS_KAWIN: pick(random, MARITAL),
      JENIS_PKRJN: pick(random, OCCUPATIONS),
      PDDK_AKH: pick(random, EDUCATION),
      GOL_DARAH: pick(random, BLOOD),
      STAT_HBKEL: pick(random, FAMILY_ROLES),
      NAMA_LGKP_IBU: `${pick(random, GIVEN_FEMALE)} ${pick(random, FAMILY)}`,
      NAMA_LGKP_AYAH: `${pick(random, GIVEN_MALE)} ${family}`,
      ALAMAT: `JL. ${pick(random, STREETS)} NO. ${1 + Math.floor(random() * 120)}`,
      DUSUN: '-',
      NO_RT: rtNumber,
      NO_RW: rwNumber,
      KODE_POS: 10000 + Math.floor(random() * 89999),
      NO_PROP: Number(nik.slice(0, 2)),
      PROP_NAME: PROVINCES[nik.slice(0, 2)] ?? 'TIDAK DIKETAHUI',
      NO_KAB: Number(nik.slice(2, 4)),
      KAB_NAME: regency,
      NO_KEC: Number(nik.slice(4, 6)),
      KEC_NAME: district,
      NO_KEL: 1000 + Math.floor(random() * 20),
      KEL_NAME: pick(random, VILLAGES),
      EKTP_STATUS: random() < 0.95 ? 'SUDAH REKAM' : 'BELUM REKAM',
      NO_AKTA_LHR: `${regencyCode}-LT-${birthDate.replaceAll('-', '')}-${nik.slice(12)}`,
    };
  }
}
