/**
 * The allowlist: the one place where upstream (Dukcapil) keys are mapped onto the nine canonical
 * elements. Every key outside the mapping is dropped here, before policy, audit or logging can
 * see it (ARCHITECTURE invariant 5). Values are normalised: numbers become strings, NIK and KK
 * are left-padded to 16 digits, RT/RW to 3, dates become YYYY-MM-DD, code-list values upper case.
 */
import type { Alamat, ElementName, PopulationRecord, ReleasedElements } from './elements.ts';

type AddressPart = keyof Alamat;
type Normaliser = (value: string) => string | undefined;

interface ElementTarget {
  readonly element: Exclude<ElementName, 'alamat'>;
  readonly normalise: Normaliser;
}
interface AddressTarget {
  readonly addressPart: AddressPart;
  readonly normalise: Normaliser;
}

const collapseSpaces = (value: string): string => value.replace(/\s+/g, ' ').trim();
const upperText: Normaliser = (value) =>
  collapseSpaces(value)
    .toUpperCase()
    .replace(/\s*-\s*/g, '-') || undefined;
const padDigits =
  (width: number): Normaliser =>
  (value) => {
    const digits = value.trim();
    if (!/^[0-9]+$/.test(digits) || digits.length > width) return undefined;
    return digits.padStart(width, '0');
  };

/** Accepts yyyy-MM-dd, dd-MM-yyyy (either separator '-' or '/'), with an optional time part. */
export const normaliseDate: Normaliser = (value) => {
  const datePart = value.trim().split(/[ T]/)[0] ?? '';
  let match = /^(\d{4})[-/](\d{2})[-/](\d{2})$/.exec(datePart);
  let y: string | undefined, m: string | undefined, d: string | undefined;
  if (match) [, y, m, d] = match;
  else {
    match = /^(\d{2})[-/](\d{2})[-/](\d{4})$/.exec(datePart);
    if (match) [, d, m, y] = match;
  }
  if (y === undefined || m === undefined || d === undefined) return undefined;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (
    date.getUTCFullYear() !== Number(y) ||
    date.getUTCMonth() !== Number(m) - 1 ||
    date.getUTCDate() !== Number(d)
  ) {
    return undefined;
  }
  return `${y}-${m}-${d}`;
};

const SEX_ALIASES: Readonly<Record<string, string>> = {
  L: 'LAKI-LAKI',
  P: 'PEREMPUAN',
  LAKI: 'LAKI-LAKI',
  WANITA: 'PEREMPUAN',
  PRIA: 'LAKI-LAKI',
};
const sex: Normaliser = (value) => {
  const upper = upperText(value);
  return upper === undefined ? undefined : (SEX_ALIASES[upper] ?? upper);
};

/** Upstream key (upper case) → canonical element or address part. Nothing else survives. */
const UPSTREAM_KEY_MAP: ReadonlyMap<string, ElementTarget | AddressTarget> = new Map<
  string,
  ElementTarget | AddressTarget
>([
  ['NIK', { element: 'nik', normalise: padDigits(16) }],
  ['NO_KK', { element: 'no_kk', normalise: padDigits(16) }],
  ['NAMA_LGKP', { element: 'nama_lengkap', normalise: upperText }],
  ['JENIS_KLMIN', { element: 'jenis_kelamin', normalise: sex }],
  ['TMPT_LHR', { element: 'tempat_lahir', normalise: upperText }],
  ['TGL_LHR', { element: 'tanggal_lahir', normalise: normaliseDate }],
  ['STATUS_KAWIN', { element: 'status_perkawinan', normalise: upperText }],
  ['JENIS_PKRJN', { element: 'jenis_pekerjaan', normalise: upperText }],
  ['ALAMAT', { addressPart: 'jalan', normalise: upperText }],
  ['NO_RT', { addressPart: 'rt', normalise: padDigits(3) }],
  ['NO_RW', { addressPart: 'rw', normalise: padDigits(3) }],
  ['KEL_NAME', { addressPart: 'kelurahan', normalise: upperText }],
  ['KEC_NAME', { addressPart: 'kecamatan', normalise: upperText }],
  ['KAB_NAME', { addressPart: 'kabupaten_kota', normalise: upperText }],
  ['PROP_NAME', { addressPart: 'provinsi', normalise: upperText }],
  ['KODE_POS', { addressPart: 'kode_pos', normalise: padDigits(5) }],
]);

/**
 * Canonical element → the upstream key that carries it (the address's street line for `alamat`).
 * `CALL_VERIFY_BY_ELEMEN` names the elements to check with these keys.
 */
export const UPSTREAM_ELEMENT_KEYS: Readonly<Record<ElementName, string>> = {
  ...(Object.fromEntries(
    [...UPSTREAM_KEY_MAP].flatMap(([key, target]) =>
      'element' in target ? [[target.element, key]] : [],
    ),
  ) as Record<Exclude<ElementName, 'alamat'>, string>),
  alamat: 'ALAMAT',
};

/** Upstream values arrive as strings or (unpadded) numbers; anything else is not a value. */
function scalarToString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  // A 16-digit number above 2^53 has already lost digits in JSON.parse: refuse it.
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return undefined;
}

export interface NormalisedRecord {
  readonly record: PopulationRecord;
  /** How many upstream keys were outside the nine elements and dropped (counted, never named). */
  readonly droppedKeys: number;
  /** How many mapped keys carried a value that could not be normalised (omitted). */
  readonly unparseableValues: number;
}

/** Maps one upstream record onto the nine elements; everything outside the mapping is dropped. */
export function normaliseUpstreamRecord(raw: Readonly<Record<string, unknown>>): NormalisedRecord {
  const elements: Partial<Record<Exclude<ElementName, 'alamat'>, string>> = {};
  const address: Partial<Record<AddressPart, string>> = {};
  let droppedKeys = 0;
  let unparseableValues = 0;
  // for…in over own keys: Object.keys order, without an entries array per upstream record.
  for (const key in raw) {
    if (!Object.hasOwn(raw, key)) continue;
    const rawValue = raw[key];
    const target = UPSTREAM_KEY_MAP.get(key.toUpperCase());
    if (target === undefined) {
      droppedKeys++;
      continue;
    }
    const asString = scalarToString(rawValue);
    const value = asString === undefined ? undefined : target.normalise(asString);
    if (value === undefined) {
      if (rawValue !== null && rawValue !== '') unparseableValues++;
      continue;
    }
    if ('element' in target) elements[target.element] = value;
    else address[target.addressPart] = value;
  }
  // The one place where upstream text becomes population data (PopulationText).
  const record = Object.keys(address).length > 0 ? { ...elements, alamat: address } : elements;
  return { record: record as unknown as PopulationRecord, droppedKeys, unparseableValues };
}

/** Projects a record onto the fields a client may see. Missing values stay missing. */
export function projectGrantedFields(
  record: PopulationRecord,
  fields: readonly ElementName[],
): ReleasedElements {
  const released: Record<string, unknown> = {};
  for (const field of fields) {
    const value = record[field];
    if (value !== undefined) released[field] = value;
  }
  return released as ReleasedElements;
}
