/**
 * The JSON bodies of the two methods, spelt as the profile says (DOMAIN.md, "Dukcapil web
 * service"): the request's own keys per method (`NIK` or `nik`, `user_id` or `USER_ID`), the case
 * of the element keys, `TGL_LHR` in the profile's date form, the address parts beside `ALAMAT`
 * when the claim is a structured address, and what an unclaimed element is sent as.
 */
import {
  normaliseDate,
  UPSTREAM_ELEMENT_KEYS,
  type Alamat,
  type ElementName,
} from '../../policies/index.ts';
import type { AddressClaim, VerifyClaims } from './port.ts';
import type { AddressPartKey, DateFormat, KeyCase, UpstreamProfile } from './profile.ts';
import type { ClaimedKeys } from './verify-envelope.ts';

export interface UpstreamCredentials {
  readonly userId: string;
  readonly password: string;
  readonly ipUser: string;
}

/** The `Alamat` parts a verify request can name, and their wire keys (NO_PROP etc. have none). */
const ADDRESS_CLAIM_KEYS: readonly (readonly [keyof Alamat, AddressPartKey])[] = [
  ['provinsi', 'PROP_NAME'],
  ['kabupaten_kota', 'KAB_NAME'],
  ['kecamatan', 'KEC_NAME'],
  ['kelurahan', 'KEL_NAME'],
  ['rt', 'NO_RT'],
  ['rw', 'NO_RW'],
];

/** DOMAIN.md's verify elements: "NO_KK, NAMA_LGKP, TMPT_LHR, TGL_LHR, JENIS_KLMIN, …, ALAMAT". */
const VERIFY_ELEMENTS: readonly ElementName[] = [
  'no_kk',
  'nama_lengkap',
  'tempat_lahir',
  'tanggal_lahir',
  'jenis_kelamin',
  'jenis_pekerjaan',
  'status_perkawinan',
  'alamat',
];

const spell = (key: string, keyCase: KeyCase): string =>
  keyCase === 'upper' ? key.toUpperCase() : key.toLowerCase();

/** A date in the profile's form; a claim that is no date travels as written (it cannot match). */
function dateIn(value: string, format: DateFormat): string {
  const iso = normaliseDate(value);
  if (iso === undefined) return value;
  if (format === 'YYYY-MM-DD') return iso;
  const [y, m, d] = iso.split('-');
  return `${d ?? ''}-${m ?? ''}-${y ?? ''}`;
}

export function callNikBody(
  profile: UpstreamProfile,
  credentials: UpstreamCredentials,
  nik: string,
): Record<string, string> {
  const keys = profile.methods.CALL_NIK.keys;
  return {
    [keys.nik]: nik,
    [keys.userId]: credentials.userId,
    [keys.password]: credentials.password,
    [keys.ipUser]: credentials.ipUser,
  };
}

/** The wire keys (upper case) and values one claimed element is sent as. */
function claimEntries(
  profile: UpstreamProfile,
  element: ElementName,
  value: string | AddressClaim,
): [string, string][] {
  if (element !== 'alamat') {
    const text = typeof value === 'string' ? value : '';
    const sent = element === 'tanggal_lahir' ? dateIn(text, profile.dateFormat) : text;
    return [[UPSTREAM_ELEMENT_KEYS[element], sent]];
  }
  // Free text is the street line only: ALAMAT, and no parts (docs/upstream.md, "Addresses").
  if (typeof value === 'string') return [['ALAMAT', value]];
  const entries: [string, string][] = [];
  if (value.jalan !== undefined) entries.push(['ALAMAT', value.jalan]);
  for (const [part, key] of ADDRESS_CLAIM_KEYS) {
    const text = value[part];
    if (text !== undefined && profile.addressParts.includes(key)) entries.push([key, text]);
  }
  return entries;
}

/**
 * The verify body and, for each claimed element, the keys it went under (its verdicts are read
 * from those). A claimed `nik` goes under the request's own NIK key: its verdict is `NIK`'s.
 */
export function verifyBody(
  profile: UpstreamProfile,
  credentials: UpstreamCredentials,
  nik: string,
  claims: VerifyClaims,
  threshold: number,
): { body: Record<string, string>; claimed: ClaimedKeys[] } {
  const method = profile.methods.CALL_VERIFY_BY_ELEMEN;
  const body: Record<string, string> = {
    [method.keys.userId]: credentials.userId,
    [method.keys.password]: credentials.password,
    [method.keys.ipUser]: credentials.ipUser,
    ...(method.keys.threshold === undefined ? {} : { [method.keys.threshold]: String(threshold) }),
    [method.keys.nik]: nik,
  };
  const claimed: ClaimedKeys[] = [];
  const sent = new Set<string>();
  for (const [element, value] of Object.entries(claims) as [
    ElementName,
    string | AddressClaim | undefined,
  ][]) {
    if (value === undefined) continue;
    if (element === 'nik') {
      claimed.push({ element, keys: ['NIK'] });
      continue;
    }
    const entries = claimEntries(profile, element, value);
    if (entries.length === 0) throw new RangeError('an address claim names no part to send');
    for (const [key, text] of entries) {
      body[spell(key, method.elementKeyCase)] = text;
      sent.add(key);
    }
    claimed.push({ element, keys: entries.map(([key]) => key) });
  }
  // DOMAIN.md: "Clients send a blank (" ") for an element they do not claim" — where the
  // profile says so; otherwise the key is left out.
  if (profile.unclaimed === 'blank') {
    const all = [
      ...VERIFY_ELEMENTS.filter((e) => e !== 'alamat').map((e) => UPSTREAM_ELEMENT_KEYS[e]),
      'ALAMAT',
      ...profile.addressParts,
    ];
    for (const key of all) if (!sent.has(key)) body[spell(key, method.elementKeyCase)] = ' ';
  }
  return { body, claimed };
}
