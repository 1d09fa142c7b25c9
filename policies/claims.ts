/**
 * Comparing what the agency holds (a claim) with what the registry holds, element by element, for
 * verification without disclosure. Exact elements (numbers, codes, dates) match after
 * normalisation or not at all; names, places, occupations and addresses are compared by a 0–100
 * similarity against a threshold, so that `JL. KENARI NO 7` and `JALAN KENARI NO. 7` agree and a
 * typo costs a few points, not the match.
 *
 * What leaves the gateway is the verdict alone (`ClaimVerdict`: match or not). The similarity is
 * an oracle: with it, and a threshold of the client's choosing, a client rebuilds a name letter by
 * letter (issue 19, finding 9). So the score stays inside the comparison (`ScoredVerdict` exists
 * only for the simulator, which plays Dukcapil and answers on its wire format), and the threshold
 * is the agreement's (`verifyThreshold`), never the request's.
 */
import { normaliseDate } from './allowlist.ts';
import {
  STATUS_PERKAWINAN_FORMS,
  type Alamat,
  type ElementName,
  type PopulationRecord,
  type PopulationText,
  type StatusPerkawinan,
} from './elements.ts';

/** What a client learns about one claimed element: one bit. */
export interface ClaimVerdict {
  readonly match: boolean;
}

/** A verdict with its similarity, as Dukcapil's wire format carries it (`Sesuai (92)`). */
export interface ScoredVerdict extends ClaimVerdict {
  /** 0–100; 100 for an exact element that matches, 0 for one that does not. */
  readonly score: number;
}

/** The agreement's threshold when it names none (config `agreements[].verifyThreshold`). */
export const DEFAULT_VERIFY_THRESHOLD = 85;
/** Below this a threshold would call unrelated names a match; the configuration refuses it. */
export const MIN_VERIFY_THRESHOLD = 50;

const FUZZY: ReadonlySet<ElementName> = new Set<ElementName>([
  'nama_lengkap',
  'tempat_lahir',
  'jenis_pekerjaan',
  'alamat',
]);

/** Elements compared by similarity against the threshold, not exactly. */
export const isFuzzyElement = (element: ElementName): boolean => FUZZY.has(element);

/** Spellings that mean the same word in Indonesian addresses and records. */
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  JL: 'JALAN',
  JLN: 'JALAN',
  GG: 'GANG',
  NO: 'NOMOR',
  NOMER: 'NOMOR',
  KEL: 'KELURAHAN',
  KEC: 'KECAMATAN',
  KAB: 'KABUPATEN',
  PERUM: 'PERUMAHAN',
};

/** Upper case, no diacritics, punctuation as space, abbreviations expanded, RT/RW padded. */
export function normaliseText(value: string): string {
  const words = value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((word) => word !== '')
    .map((word) => ABBREVIATIONS[word] ?? word);
  // "RT 5" and "RT 005" are the same neighbourhood unit.
  for (let i = 0; i + 1 < words.length; i++) {
    if ((words[i] === 'RT' || words[i] === 'RW') && /^\d{1,3}$/.test(words[i + 1] ?? ''))
      words[i + 1] = (words[i + 1] ?? '').padStart(3, '0');
  }
  return words.join(' ');
}

function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function ratio(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 100 : Math.round((100 * (longest - levenshtein(a, b))) / longest);
}

/** 0–100 similarity of two texts after normalisation; word order does not matter. */
export function similarity(a: string, b: string): number {
  const left = normaliseText(a);
  const right = normaliseText(b);
  const sorted = (text: string) => text.split(' ').sort().join(' ');
  return Math.max(ratio(left, right), ratio(sorted(left), sorted(right)));
}

const SEXES: Readonly<Record<string, string>> = {
  L: 'L',
  LAKI: 'L',
  'LAKI LAKI': 'L',
  PRIA: 'L',
  P: 'P',
  PEREMPUAN: 'P',
  WANITA: 'P',
};

/**
 * The registry codes a written marital status can stand for (elements.ts), or undefined for a
 * value outside the code list.
 */
export function statusPerkawinanMeaning(value: string): readonly StatusPerkawinan[] | undefined {
  return STATUS_PERKAWINAN_FORMS[normaliseText(value)];
}

/** Marital statuses agree by meaning: when some registry code fits both (elements.ts). */
function sameStatusPerkawinan(claimed: string, actual: string): boolean {
  const left = statusPerkawinanMeaning(claimed);
  const right = statusPerkawinanMeaning(actual);
  return left !== undefined && right !== undefined && left.some((code) => right.includes(code));
}

/**
 * Whether an element's value must come from a closed code list (DOMAIN.md, "Code lists"), and so
 * can be classified or not: sex and marital status. Occupations are compared by similarity to the
 * registry's label, and the 89-item list is not held here.
 */
export function isCodedElement(element: ElementName): boolean {
  return element === 'jenis_kelamin' || element === 'status_perkawinan';
}

/** Whether a value of a coded element is in its code list (true for other elements). */
export function isInCodeList(element: ElementName, value: string): boolean {
  if (element === 'jenis_kelamin') return SEXES[normaliseText(value)] !== undefined;
  if (element === 'status_perkawinan') return statusPerkawinanMeaning(value) !== undefined;
  return true;
}

function exactForm(element: ElementName, value: string): string | undefined {
  switch (element) {
    case 'nik':
    case 'no_kk':
      return value.replace(/\D/g, '') || undefined;
    case 'tanggal_lahir':
      return normaliseDate(value);
    case 'jenis_kelamin':
      return SEXES[normaliseText(value)];
    default:
      return normaliseText(value) || undefined;
  }
}

/** The address as one line, the way an agency's database usually holds it. */
export function addressLine(address: Alamat): string {
  return [
    address.jalan,
    address.rt === undefined ? undefined : `RT ${address.rt}`,
    address.rw === undefined ? undefined : `RW ${address.rw}`,
    address.kelurahan,
    address.kecamatan,
    address.kabupaten_kota,
    address.provinsi,
    address.kode_pos,
  ]
    .filter((part) => part !== undefined)
    .join(' ');
}

/**
 * One claim against the registry's value, with its similarity (for the simulator's wire format).
 * An address claim is compared with the street line and with every longer prefix of the full
 * address, so a claim of just the street still matches.
 */
export function scoreClaim(
  element: ElementName,
  claimed: string,
  actual: PopulationText | Alamat,
  threshold: number,
): ScoredVerdict {
  if (element === 'alamat' && typeof actual !== 'string') {
    const parts = addressLine(actual);
    const street = addressLine({
      ...(actual.jalan === undefined ? {} : { jalan: actual.jalan }),
      ...(actual.rt === undefined ? {} : { rt: actual.rt }),
      ...(actual.rw === undefined ? {} : { rw: actual.rw }),
    });
    const score = Math.max(
      similarity(claimed, parts),
      similarity(claimed, street),
      actual.jalan === undefined ? 0 : similarity(claimed, actual.jalan),
    );
    return { match: score >= threshold, score };
  }
  const value = typeof actual === 'string' ? actual : addressLine(actual);
  if (FUZZY.has(element)) {
    const score = similarity(claimed, value);
    return { match: score >= threshold, score };
  }
  if (element === 'status_perkawinan') {
    const match = sameStatusPerkawinan(claimed, value);
    return { match, score: match ? 100 : 0 };
  }
  const left = exactForm(element, claimed);
  const match = left !== undefined && left === exactForm(element, value);
  return { match, score: match ? 100 : 0 };
}

/** One claim against the registry's value: the verdict, and nothing from which to rebuild it. */
export function compareClaim(
  element: ElementName,
  claimed: string,
  actual: PopulationText | Alamat,
  threshold: number,
): ClaimVerdict {
  return { match: scoreClaim(element, claimed, actual, threshold).match };
}

/** Scored verdicts for every claim against one record (the simulator's answer). */
export function scoreClaims(
  record: PopulationRecord,
  claims: Readonly<Partial<Record<ElementName, string>>>,
  threshold: number,
): Partial<Record<ElementName, ScoredVerdict>> {
  const verdicts: Partial<Record<ElementName, ScoredVerdict>> = {};
  for (const [element, claimed] of Object.entries(claims) as [ElementName, string][]) {
    const actual = record[element];
    verdicts[element] =
      actual === undefined
        ? { match: false, score: 0 }
        : scoreClaim(element, claimed, actual, threshold);
  }
  return verdicts;
}

/**
 * Verdicts for every claim against one record, match or not and nothing else; an element the
 * record lacks does not match.
 */
export function compareClaims(
  record: PopulationRecord,
  claims: Readonly<Partial<Record<ElementName, string>>>,
  threshold: number,
): Partial<Record<ElementName, ClaimVerdict>> {
  const verdicts: Partial<Record<ElementName, ClaimVerdict>> = {};
  for (const [element, verdict] of Object.entries(scoreClaims(record, claims, threshold)) as [
    ElementName,
    ScoredVerdict,
  ][])
    verdicts[element] = { match: verdict.match };
  return verdicts;
}

/** Longest claim the verify endpoint accepts (API.md). */
export const MAX_CLAIM_LENGTH = 200;

/**
 * Whether a claim can be compared at all: not blank, not too long, and for numbers and dates of a
 * form the registry's value could equal. A claim that fails this is a data-quality finding of the
 * agency's own file, not a mismatch with the registry. Whether a coded element's value is in its
 * code list is a separate question (`isInCodeList`): the classification check of bulk
 * verification (docs/bulk-verification.md).
 */
export function isClaimWellFormed(element: ElementName, value: string): boolean {
  if (value.trim() === '' || value.length > MAX_CLAIM_LENGTH) return false;
  if (isCodedElement(element)) return true;
  if (element === 'no_kk') return /^\d{16}$/.test(value.replace(/[\s.-]/g, ''));
  return exactForm(element, value) !== undefined;
}
